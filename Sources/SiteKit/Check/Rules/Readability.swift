import CHyphen
import Foundation

/// Flesch-Kincaid grade level of English prose: 0.39 × words per sentence + 11.8 × syllables per
/// word − 15.59. Words, sentences and syllables are counted as Python's `textstat` counts them
/// (a test compares the grades), with two differences that make sentences truer: a full stop
/// between digits (`58.3`) does not end a sentence, and each text block (paragraph, list item)
/// ends one. Syllables come from the LibreOffice hyphenation patterns (`hyph_en_US.dic`, Debian's
/// `hyphen-en-us`) through libhyphen, the same patterns `textstat` reads through `pyphen`.
public enum Readability {
    /// Counts of a piece of prose, which add up across pieces.
    public struct Counts: Sendable, Hashable {
        public var words = 0
        public var sentences = 0
        public var syllables = 0

        public init(words: Int = 0, sentences: Int = 0, syllables: Int = 0) {
            self.words = words
            self.sentences = sentences
            self.syllables = syllables
        }

        /// The Flesch-Kincaid grade; 0 for text without words.
        public var grade: Double {
            guard words > 0, sentences > 0 else { return 0 }
            return 0.39 * Double(words) / Double(sentences) + 11.8 * Double(syllables) / Double(words) - 15.59
        }

        public static func + (a: Counts, b: Counts) -> Counts {
            Counts(words: a.words + b.words, sentences: a.sentences + b.sentences, syllables: a.syllables + b.syllables)
        }
    }

    /// One sentence of a text: where it starts and ends (UTF-8 offsets) and its counts.
    public struct Sentence: Sendable, Hashable {
        public var start: Int
        public var end: Int
        public var counts: Counts
    }

    /// A sentence of this many words or fewer is not counted as one (as in `textstat`): "Dr." or
    /// "e.g." split off by their full stops.
    static let shortestSentence = 3

    /// The sentences of one block of text (a paragraph or a list item), split at `.`, `!` and `?`
    /// (a run of them, and closing quotes or brackets after it). Fragments of two words or fewer
    /// join the sentence before them.
    public static func sentences(of text: String) -> [Sentence] {
        let bytes = Array(text.utf8)
        var result: [Sentence] = []
        var start = 0
        var i = 0
        // A short fragment at the start ("Dr." in "Dr. Anderson is…") joins the sentence after it.
        var pending: (start: Int, counts: Counts)?
        func close(_ end: Int) {
            let piece = String(decoding: bytes[start..<end], as: UTF8.self)
            var counts = count(piece)
            var from = start
            start = end
            guard counts.words > 0 else { return }
            if counts.words < shortestSentence {
                if !result.isEmpty {
                    result[result.count - 1].end = end
                    result[result.count - 1].counts = result[result.count - 1].counts + counts
                } else {
                    pending = (pending?.start ?? from, (pending?.counts ?? Counts()) + counts)
                }
                return
            }
            if let held = pending {
                from = held.start
                counts = counts + held.counts
                pending = nil
            }
            result.append(Sentence(start: from, end: end, counts: Counts(words: counts.words, sentences: 1, syllables: counts.syllables)))
        }
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: ".") || c == UInt8(ascii: "!") || c == UInt8(ascii: "?") {
                // 58.3, 1.5: a decimal point, not the end of a sentence.
                if c == UInt8(ascii: "."), i > 0, i + 1 < bytes.count, isDigit(bytes[i - 1]), isDigit(bytes[i + 1]) {
                    i += 1
                    continue
                }
                var end = i + 1
                while end < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: ")")].contains(bytes[end]) {
                    end += 1
                }
                // Closing curly quotes (” ’) after the stop.
                while end + 2 < bytes.count, bytes[end] == 0xE2, bytes[end + 1] == 0x80, bytes[end + 2] == 0x9D || bytes[end + 2] == 0x99 {
                    end += 3
                }
                close(end)
                i = end
                continue
            }
            i += 1
        }
        if start < bytes.count { close(bytes.count) }
        // A block without any sentence of three words still reads as one sentence.
        if let held = pending {
            result.append(Sentence(start: held.start, end: bytes.count, counts: Counts(words: held.counts.words, sentences: 1, syllables: held.counts.syllables)))
        }
        return result
    }

    /// The counts of one block of text (its sentences as `sentences(of:)` finds them).
    public static func counts(ofBlock text: String) -> Counts {
        sentences(of: text).reduce(Counts()) { $0 + $1.counts }
    }

    /// Words and syllables of a piece of text (no sentences): as `textstat`, punctuation other than
    /// letters, digits, marks and `_` is removed (so `self-harm` is one word and `$500` is `500`),
    /// and what is left is split at white space.
    static func count(_ text: String) -> Counts {
        var counts = Counts()
        var word = ""
        func flush() {
            guard !word.isEmpty else { return }
            counts.words += 1
            counts.syllables += syllables(word)
            word = ""
        }
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                flush()
            } else if isWordCharacter(scalar) {
                word.unicodeScalars.append(scalar)
            }
        }
        flush()
        return counts
    }

    /// Python's `\w`: letters, digits, marks and `_`.
    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "_" { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber, .letterNumber,
            .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default: return false
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte &- 48 < 10 }

    /// The syllables of one word: the hyphenation points the patterns find at least two letters
    /// from either end (as `pyphen`, which `textstat` uses), plus one.
    public static func syllables(_ word: String) -> Int {
        let lower = word.lowercased()
        guard let dictionary = Hyphenation.shared.dictionary else { return heuristicSyllables(lower) }
        let characters = Array(lower.unicodeScalars)
        let utf8 = Array(lower.utf8)
        guard !utf8.isEmpty, utf8.count < 100 else { return heuristicSyllables(lower) }
        var hyphens = [CChar](repeating: 0, count: utf8.count + 5)
        var rep: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        var pos: UnsafeMutablePointer<Int32>?
        var cut: UnsafeMutablePointer<Int32>?
        // libhyphen also reads the word as a C string (strstr for NOHYPHEN, its lhmin/rhmin walks)
        // and writes `hyphens` at what it finds: without the NUL it ran past the buffer and wrote
        // into the heap (the "corrupted size" / "invalid next size" aborts, docs/robustness.md).
        let terminated = utf8 + [0]
        let failed = terminated.withUnsafeBufferPointer { w in
            w.withMemoryRebound(to: CChar.self) { word in
                hnj_hyphen_hyphenate2(dictionary, word.baseAddress, Int32(utf8.count), &hyphens, nil, &rep, &pos, &cut)
            }
        }
        if let rep {
            for i in 0..<utf8.count { free(rep[i]) }
            free(rep)
        }
        free(pos)
        free(cut)
        guard failed == 0 else { return heuristicSyllables(lower) }
        // hyphens[j] is odd where the word may break after byte j; count breaks by characters.
        var points = 0
        var characterIndex = 0
        var byte = 0
        for scalar in characters {
            let width = String(scalar).utf8.count
            byte += width
            characterIndex += 1
            let split = characterIndex  // a break here splits the word before character `split`
            if hyphens[byte - 1] & 1 == 1, split >= 2, split <= characters.count - 2 { points += 1 }
        }
        return points + 1
    }

    /// Used only when the hyphenation patterns cannot be read: vowel groups, less a final silent
    /// `e`, at least one.
    static func heuristicSyllables(_ word: String) -> Int {
        let vowels = Set("aeiouy")
        var count = 0
        var previousWasVowel = false
        for c in word {
            let vowel = vowels.contains(c)
            if vowel && !previousWasVowel { count += 1 }
            previousWasVowel = vowel
        }
        if word.hasSuffix("e"), !word.hasSuffix("le"), count > 1 { count -= 1 }
        return max(1, count)
    }

    /// Rounds a grade to one decimal, for messages ("grade 9.3").
    public static func format(_ grade: Double) -> String {
        String(format: "%.1f", (grade * 10).rounded() / 10)
    }
}

/// The hyphenation dictionary, loaded once and shared by every thread (libhyphen only reads it).
final class Hyphenation: @unchecked Sendable {
    static let shared = Hyphenation()

    /// Where Debian's `hyphen-en-us` puts the US English patterns; `CLINIC_SITE_HYPHEN_DIC`
    /// overrides it.
    static let paths = ["/usr/share/hyphen/hyph_en_US.dic", "/usr/local/share/hyphen/hyph_en_US.dic", "/opt/homebrew/share/hyphen/hyph_en_US.dic"]

    let dictionary: UnsafeMutablePointer<HyphenDict>?
    let path: String?

    private init() {
        var candidates = Self.paths
        if let override = ProcessInfo.processInfo.environment["CLINIC_SITE_HYPHEN_DIC"], !override.isEmpty { candidates.insert(override, at: 0) }
        for candidate in candidates where FileManager.default.isReadableFile(atPath: candidate) {
            if let loaded = hnj_hyphen_load(candidate) {
                // The file asks for three letters after a break (RIGHTHYPHENMIN 3), which libhyphen
                // applies; syllables are counted with pyphen's two on each side, as `textstat`
                // does, so libhyphen is told one and `syllables(_:)` applies two.
                loaded.pointee.lhmin = 1
                loaded.pointee.rhmin = 1
                dictionary = loaded
                path = candidate
                return
            }
        }
        dictionary = nil
        path = nil
    }
}
