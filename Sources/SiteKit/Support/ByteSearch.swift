import Foundation
import SiteMarkdown

/// Substring search over UTF-8 bytes. Foundation's `String.contains` and `range(of:)` bridge to
/// NSString and dominated the profile of a 5,000-page build; these do not allocate.
enum ByteSearch {
    /// The byte offset of the first `needle` in `text`, optionally ignoring ASCII case
    /// (`needle` must then be lowercase).
    static func firstOffset(of needle: String, in text: String, ignoringASCIICase: Bool = false) -> Int? {
        var text = text
        var needle = needle
        return text.withUTF8 { hay in
            needle.withUTF8 { n in firstOffset(of: n, in: hay, ignoringASCIICase: ignoringASCIICase) }
        }
    }

    static func contains(_ needle: String, in text: String, ignoringASCIICase: Bool = false) -> Bool {
        firstOffset(of: needle, in: text, ignoringASCIICase: ignoringASCIICase) != nil
    }

    static func firstOffset(of needle: UnsafeBufferPointer<UInt8>, in hay: UnsafeBufferPointer<UInt8>, ignoringASCIICase: Bool) -> Int? {
        let n = needle.count
        guard n > 0, hay.count >= n else { return n == 0 ? 0 : nil }
        let first = needle[0]
        var i = 0
        let last = hay.count - n
        if !ignoringASCIICase, let base = hay.baseAddress, let start = needle.baseAddress {
            // memchr to each candidate first byte, then memcmp.
            while i <= last {
                guard let found = memchr(base + i, Int32(first), last - i + 1) else { return nil }
                let at = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
                if memcmp(base + at, start, n) == 0 { return at }
                i = at + 1
            }
            return nil
        }
        while i <= last {
            let c = ignoringASCIICase ? lower(hay[i]) : hay[i]
            if c == first {
                var j = 1
                while j < n, (ignoringASCIICase ? lower(hay[i + j]) : hay[i + j]) == needle[j] { j += 1 }
                if j == n { return i }
            }
            i += 1
        }
        return nil
    }

    @inline(__always) static func lower(_ c: UInt8) -> UInt8 { ASCII.lower(c) }
}
