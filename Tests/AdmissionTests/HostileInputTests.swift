import Admission
import Foundation
import Testing

@Suite struct HostileInputTests {
    static let head = #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"group":"","version":"v1","kind":"Pod"},"object":"#

    @Test func sizeLimit() {
        let big = Data(count: (4 << 20) + 1)
        let error = expectAdmissionError(.limitExceeded, "4194305 bytes", "4194304") { _ = try AdmissionRequest(reviewJSON: big) }
        #expect(error?.path == nil)
        expectAdmissionError(.limitExceeded, "more than the limit of 1000") {
            _ = try ImageReviewRequest(json: Data(count: 1001), limits: AdmissionLimits(maxBytes: 1000))
        }
        expectAdmissionError(.limitExceeded, "more than the limit of 1000") {
            _ = try WorkloadImages.extract(object: Data(count: 1001), kind: GroupVersionKind(group: "", version: "v1", kind: "Pod"), limits: AdmissionLimits(maxBytes: 1000))
        }
        // Exactly at the limit is fine.
        let review = Data(Envelopes.podDelete.utf8)
        #expect((try? AdmissionRequest(reviewJSON: review, limits: AdmissionLimits(maxBytes: review.count))) != nil)
    }

    @Test func deepNestingIsRefusedWithoutCrashing() {
        for (open, close) in [("[", "]"), (#"{"a":"#, "}")] {
            let depth = 100_000
            let text = String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)
            expectAdmissionError(.limitExceeded, "nested deeper than 128 levels") {
                _ = try AdmissionRequest(reviewJSON: Data(text.utf8))
            }
            // 10,000 levels inside request.object: the error names where.
            let inside = Self.head + String(repeating: open, count: 10_000) + "1" + String(repeating: close, count: 10_000) + "}}"
            let error = expectAdmissionError(.limitExceeded, "nested deeper than 128 levels", "(in request.object") {
                _ = try AdmissionRequest(reviewJSON: Data(inside.utf8))
            }
            #expect(error?.message.count ?? .max < 2_000, "the message must stay short, not list 128 path components in full")
        }
        // Within a raised limit, deep documents parse (iteratively: no recursion to overflow the stack).
        let deep = Self.head + #"{"spec":{},"x":"# + String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000) + "}}}"
        #expect((try? AdmissionRequest(reviewJSON: Data(deep.utf8), limits: AdmissionLimits(maxDepth: 60_000))) != nil)
    }

    @Test func hugeArrays() throws {
        // 200,000 containers (2.8 MB): parsed and listed, no crash.
        let containers = Array(repeating: #"{"image":"a"}"#, count: 200_000).joined(separator: ",")
        let review = Self.head + #"{"spec":{"containers":["# + containers + "]}}}}"
        let request = try AdmissionRequest(reviewJSON: Data(review.utf8))
        let pod = try #require(try WorkloadImages.extract(from: request).podImages)
        #expect(pod.images.count == 200_000)
        #expect(pod.images.last?.pointer == "/spec/containers/199999/image")
        // Two million tiny values exceed the value budget with a clear error.
        let numbers = Self.head + #"{"x":["# + Array(repeating: "0", count: 2_000_000).joined(separator: ",") + "]}}}"
        expectAdmissionError(.limitExceeded, "more than 1000000 JSON values") { _ = try AdmissionRequest(reviewJSON: Data(numbers.utf8)) }
        expectAdmissionError(.limitExceeded, "more than 100 JSON values") {
            _ = try AdmissionRequest(reviewJSON: Data(review.utf8), limits: AdmissionLimits(maxValues: 100))
        }
    }

    @Test func invalidUTF8IsRefusedWithItsOffset() {
        let sequences: [[UInt8]] = [
            [0xFF],  // never valid
            [0xC0, 0xAF],  // overlong '/'
            [0xE0, 0x80, 0xAF],  // overlong
            [0xED, 0xA0, 0x80],  // encoded surrogate U+D800
            [0xF4, 0x90, 0x80, 0x80],  // past U+10FFFF
            [0xE2, 0x82],  // truncated before the closing quote
            [0x80],  // lone continuation byte
        ]
        for bytes in sequences {
            let prefix = Array(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u"#.utf8)
            let document = prefix + bytes + Array(#""}}"#.utf8)
            expectAdmissionError(.malformedJSON, "invalid UTF-8", "at byte \(prefix.count)", "(in request)") {
                _ = try AdmissionRequest(reviewJSON: document)
            }
        }
        // Valid multi-byte text is accepted.
        let text = #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"ü€😀","kind":{"kind":"Pod"}}}"#
        #expect((try? AdmissionRequest(reviewJSON: Data(text.utf8)))?.uid == "ü€😀")
    }

    @Test func duplicateKeysAreRefused() {
        expectAdmissionError(.malformedJSON, #"duplicate key "uid""#, "in request") {
            _ = try AdmissionRequest(reviewJSON: Data(#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"a","uid":"b"}}"#.utf8))
        }
        expectAdmissionError(.malformedJSON, #"duplicate key "apiVersion""#, "the top-level object") {
            _ = try AdmissionRequest(reviewJSON: Data(#"{"apiVersion":"x","apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#.utf8))
        }
        // The classic smuggling attempt: Go would admit the last image, Foundation's decoder check the first.
        let smuggled = Self.head + #"{"spec":{"containers":[{"image":"good.example/app:1","image":"evil.example/app:1"}]}}}}"#
        let error = expectAdmissionError(.malformedJSON, #"duplicate key "image""#, "request.object.spec.containers[0]") {
            _ = try AdmissionRequest(reviewJSON: Data(smuggled.utf8))
        }
        #expect(error?.path == "request.object.spec.containers[0]")
        // Escaped spellings of the same key are the same key.
        expectAdmissionError(.malformedJSON, #"duplicate key "image""#) {
            _ = try AdmissionRequest(reviewJSON: Data((Self.head + #"{"spec":{"containers":[{"image":"a","\u0069mage":"b"}]}}}}"#).utf8))
        }
        // Objects with many keys take another path through the check.
        let many = (0..<40).map { #""k\#($0)":0"# }.joined(separator: ",")
        expectAdmissionError(.malformedJSON, #"duplicate key "k7""#) {
            _ = try AdmissionRequest(reviewJSON: Data((Self.head + "{" + many + #","k7":1}}}"#).utf8))
        }
        #expect((try? AdmissionRequest(reviewJSON: Data((Self.head + "{" + many + "}}}").utf8))) != nil)
    }

    @Test func syntaxErrorsSayWhatAndWhere() {
        let cases: [(String, String)] = [
            ("", "the document is empty"),
            ("  \n ", "only whitespace"),
            ("\u{FEFF}{}", "byte order mark"),
            (#"{"apiVersion":"admission.k8s.io/v1",}"#, "at byte 36: expected a string key, found '}'"),
            (#"{"a":[1,2,]}"#, "at byte 10 (in a): expected a value, found ']'"),
            (#"{"a":01}"#, "expected ',' or '}' after an object member, found '1'"),
            (#"{"a":"\x"}"#, "invalid escape"),
            (#"{"a":"\ud800"}"#, "high surrogate"),
            (#"{"a":"\udc00"}"#, "low surrogate"),
            ("{\"a\":\"tab\there\"}", "control character"),
            (#"{"a":tru}"#, "invalid literal"),
            (#"{"a":1} {}"#, "after the top-level value"),
            (#"{"a":"unterminated}"#, "unterminated string"),
            (#"{"a":-}"#, "invalid number"),
            (#"{"a":1.}"#, "invalid number"),
            (#"{"a" 1}"#, "expected ':'"),
            (#"{"a":{"b":[{"c":1"#, "the document ends inside an object"),
        ]
        for (text, fragment) in cases {
            expectAdmissionError(.malformedJSON, fragment) { _ = try AdmissionRequest(reviewJSON: Data(text.utf8)) }
        }
    }

    /// Every truncation of a real review is refused cleanly; the whole review parses.
    @Test func everyPrefixOfARealReviewIsRefused() throws {
        let bytes = Array(Envelopes.ephemeralContainers.utf8)
        for length in 0..<bytes.count {
            do {
                _ = try AdmissionRequest(reviewJSON: Array(bytes[..<length]))
                Issue.record("a \(length)-byte prefix was accepted")
            } catch {
                #expect(error.code == .malformedJSON, "\(length): \(error.message)")
            }
        }
        #expect(try AdmissionRequest(reviewJSON: bytes).uid == "3a0b1c2d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
    }

    /// Random byte corruptions of a real review never crash, and whatever is accepted is JSON Foundation accepts
    /// too (this reader is the stricter of the two).
    @Test func corruptedReviewsNeverCrash() {
        var generator = SplitMix64(seed: 0x6D6F_6174)
        let original = Array(Envelopes.deploymentUpdateDryRun.utf8)
        let interesting: [UInt8] = Array(#"{}[]",:\/0-eE.tfnu"#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xE2, 0xF0, 0xFF]
        var accepted = 0
        for _ in 0..<3_000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[position] = interesting.randomElement(using: &generator) ?? 0
                case 1: bytes.remove(at: position)
                default: bytes.insert(interesting.randomElement(using: &generator) ?? 0, at: position)
                }
            }
            do {
                let request = try AdmissionRequest(reviewJSON: bytes)
                _ = try? WorkloadImages.extract(from: request)
                accepted += 1
                #expect((try? JSONSerialization.jsonObject(with: Data(bytes))) != nil, "accepted what Foundation refuses: \(String(decoding: bytes, as: UTF8.self))")
            } catch {
                #expect(!error.message.isEmpty)
            }
        }
        #expect(accepted > 0, "some corruptions (inside string values) must still parse")
    }
}

/// A small deterministic generator, so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
