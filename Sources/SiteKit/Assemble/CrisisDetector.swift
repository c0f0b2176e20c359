import Foundation
import SiteMarkdown

/// Whether a page speaks of suicide or self-harm, so the theme shows crisis help near the top.
/// The lifeline's own name ("988 Suicide & Crisis Lifeline") is not a mention.
public enum CrisisDetector {
    static let terms = ["suicid", "self-harm", "self harm", "kill myself", "end my life"]
    static let names = ["suicide & crisis lifeline", "suicide and crisis lifeline"]

    public static func mentionsCrisis(_ body: RenderedMarkdown) -> Bool {
        body.textBlocks.contains { block in
            var text = block.text
            let ascii: Bool? = text.withUTF8 { b in
                guard containsTerm(b) else { return nil }
                return b.allSatisfy { $0 < 0x80 }
            }
            guard let ascii else { return false }
            if ascii {
                // Lowercasing ASCII is byte by byte, so the names can be cut from the bytes.
                var lower = Array(text.utf8).map(ByteSearch.lower)
                for name in names { lower = removing(Array(name.utf8), from: lower) }
                return lower.withUnsafeBufferPointer { containsTerm($0) }
            }
            var lowered = text.lowercased()
            for name in names { lowered = lowered.replacingOccurrences(of: name, with: "", options: .literal) }
            return terms.contains { ByteSearch.contains($0, in: lowered) }
        }
    }

    /// Whether a term occurs in any text block of the body, ignoring ASCII case (names
    /// included): false rules out both `mentionsCrisis` and the crisis-notice rule's search,
    /// which reads the same blocks (no term holds a line break, so none spans two blocks).
    public static func anyTerm(in body: RenderedMarkdown) -> Bool {
        body.textBlocks.contains { block in
            var text = block.text
            return text.withUTF8 { containsTerm($0) }
        }
    }

    /// Whether one of `terms` occurs in `b`, ignoring ASCII case: one pass over the bytes, which
    /// only stops where two bytes start a term in either case (a bit set of byte pairs: stopping
    /// at every `e`, `s` or `k` made this scan 2% of a build).
    static func containsTerm(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = b.baseAddress, b.count >= 2 else { return false }
        let n = b.count
        return startsTerm.withUnsafeBufferPointer { starts in
            var pair = Int(base[0])
            var i = 0
            while i + 1 < n {
                pair = (pair << 8 | Int(base[i + 1])) & 0xFFFF
                if starts[pair >> 6] & (1 << UInt64(pair & 63)) != 0 {
                    for term in termBytes where i + term.count <= n {
                        var j = 0
                        while j < term.count, ByteSearch.lower(base[i + j]) == term[j] { j += 1 }
                        if j == term.count { return true }
                    }
                }
                i += 1
            }
            return false
        }
    }

    static let termBytes: [[UInt8]] = terms.map { Array($0.utf8) }
    /// The pairs of bytes that start a term, in either ASCII case, as a set of 65,536 bits.
    static let startsTerm: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 1024)
        func cases(_ c: UInt8) -> [UInt8] { c >= 97 && c <= 122 ? [c, c - 32] : [c] }
        for term in termBytes {
            for a in cases(term[0]) {
                for b in cases(term[1]) {
                    let pair = Int(a) << 8 | Int(b)
                    bits[pair >> 6] |= 1 << UInt64(pair & 63)
                }
            }
        }
        return bits
    }()

    /// `hay` without the non-overlapping occurrences of `needle`, left to right (as
    /// `replacingOccurrences(of:with: "")`).
    static func removing(_ needle: [UInt8], from hay: [UInt8]) -> [UInt8] {
        guard !needle.isEmpty, hay.count >= needle.count else { return hay }
        var out: [UInt8] = []
        out.reserveCapacity(hay.count)
        var i = 0
        while i < hay.count {
            if i + needle.count <= hay.count, hay[i] == needle[0], hay[i..<(i + needle.count)].elementsEqual(needle) {
                i += needle.count
            } else {
                out.append(hay[i])
                i += 1
            }
        }
        return out
    }
}
