/// Byte-level ASCII helpers shared by the scanners that read HTML and Markdown as UTF-8 bytes
/// (an HTML tokenizer compares tag names in ASCII case, and no multi-byte UTF-8 sequence holds
/// an ASCII byte, so comparing bytes is exact).
public enum ASCII {
    /// `c` with `A`–`Z` made lowercase; every other byte as it is.
    @inline(__always) public static func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }

    /// Whether `bytes` hold `word` (lowercase ASCII) at `offset`, in any ASCII case.
    public static func hasWord(_ word: [UInt8], in bytes: [UInt8], at offset: Int) -> Bool {
        guard offset >= 0, offset + word.count <= bytes.count else { return false }
        for k in 0..<word.count where lower(bytes[offset + k]) != word[k] { return false }
        return true
    }
}
