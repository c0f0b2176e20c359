import Testing

@testable import SiteKit

/// `Suggest.nearest` stops each edit distance once it is out of reach and does not sort the
/// candidates: it must name the same candidate as the plain way (every whole distance, in sorted
/// order), ties and case included.
@Suite struct BoundedEditDistanceTests {
    /// Pieces of words: ASCII, letters whose lowercase differs in length (İ, ẞ), accents,
    /// combining marks and slashes, so that URLs, ids and words of every kind are drawn.
    static let pieces = ["a", "b", "c", "A", "B", "/", "-", "é", "e\u{0301}", "İ", "ẞ", "ß", "0", "x", "💊", "Ω"]

    static func word<G: RandomNumberGenerator>(_ generator: inout G, length: ClosedRange<Int>) -> String {
        (0..<Int.random(in: length, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
    }

    @Test func nearestNamesWhatThePlainWayNames() {
        var generator = SystemRandomNumberGenerator()
        var named = 0
        for _ in 0..<3000 {
            let word = Self.word(&generator, length: 0...9)
            var candidates = (0..<Int.random(in: 0...25, using: &generator)).map { _ in Self.word(&generator, length: 0...11) }
            // Near ones (one piece changed, added or dropped), duplicates and case variants too.
            for _ in 0..<Int.random(in: 0...4, using: &generator) {
                var near = Array(word)
                if !near.isEmpty, Bool.random(using: &generator) { near.remove(at: Int.random(in: 0..<near.count, using: &generator)) }
                near.insert(Character(Self.pieces.randomElement(using: &generator)!), at: Int.random(in: 0...near.count, using: &generator))
                candidates.append(String(near))
            }
            if let first = candidates.first { candidates += [first, first.uppercased()] }
            candidates.shuffle(using: &generator)
            for limit in [nil, 0, 1, 2, 3, 5] as [Int?] {
                let fast = Suggest.nearest(word, in: candidates, maxDistance: limit)
                let plain = Suggest.plainNearest(word, in: candidates, maxDistance: limit)
                #expect(fast == plain, "\(word.debugDescription) in \(candidates.map(\.debugDescription)) within \(String(describing: limit))")
                if plain != nil { named += 1 }
            }
        }
        #expect(named > 3000, "the cases drawn name a candidate often enough to compare (\(named))")
    }

    @Test func aBoundedDistanceIsTheWholeOneOrNil() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let a = Array(Self.word(&generator, length: 0...8).unicodeScalars)
            let b = Array(Self.word(&generator, length: 0...8).unicodeScalars)
            let whole = Suggest.distance(String(String.UnicodeScalarView(a)), String(String.UnicodeScalarView(b)))
            let bound = Int.random(in: 0...10, using: &generator)
            let bounded = Suggest.distance(a, b, within: bound)
            #expect(bounded == (whole <= bound ? whole : nil), "\(a) \(b) within \(bound): \(String(describing: bounded)), whole \(whole)")
        }
    }
}
