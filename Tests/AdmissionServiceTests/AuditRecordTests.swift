@testable import AdmissionService
import Foundation
import ImagePolicy
import OCIModel
import Testing

@Suite struct AuditRecordTests {
    @Test func oneParseableLineWithEveryViolation() throws {
        let digest = try Digest(parsing: "sha256:" + String(repeating: "ab", count: 32))
        let image = ImageDecision(
            subject: SubjectImage(image: "evil\"<img>\n", container: "app", role: .container, location: "/spec/containers/0/image"),
            digest: digest,
            results: [
                RuleResult(rule: .allowedRegistries, mode: .enforce, outcome: .violated, message: "registry \"x\" not allowed\n"),
                RuleResult(rule: .forbiddenTags, mode: .enforce, outcome: .passed, message: "ok"),
            ])
        let record = AuditRecord(decision: PolicyDecision(allowed: false, images: [image]), webhook: "validate", uid: "u-1",
                                 namespace: "prod", operation: "CREATE", kind: "Deployment", duration: .microseconds(1500))
        let line = record.json(at: Date(timeIntervalSince1970: 1_795_000_000.25))
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.filter { $0 == UInt8(ascii: "\n") }.count == 1, "exactly one line, whatever the messages hold")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        #expect(object["time"] as? String == "2026-11-18T11:06:40.250Z")
        #expect(object["allowed"] as? Bool == false)
        #expect(object["uid"] as? String == "u-1")
        #expect(object["durationMs"] as? Double == 1.5)
        let images = try #require(object["images"] as? [[String: Any]])
        #expect(images.first?["image"] as? String == "evil\"<img>\n")
        #expect(images.first?["digest"] as? String == digest.description)
        #expect(images.first?["container"] as? String == "app")
        #expect(object["breakGlass"] as? Bool == false)
        let violations = try #require(images.first?["violations"] as? [[String: String]])
        #expect(violations.count == 1, "passed rules are not listed")
        #expect(violations.first?["rule"] == "allowedRegistries")
        #expect(violations.first?["message"] == "registry \"x\" not allowed\n")
        #expect(violations.first?["mode"] == "enforce")
        #expect(violations.first?["outcome"] == "violated")
    }

    @Test func numbersArePaddedWithoutFormatters() {
        func padded(_ value: Int, _ width: Int) -> String {
            var out: [UInt8] = []
            AuditRecord.appendPadded(value, width: width, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(padded(0, 1) == "0")
        #expect(padded(5, 3) == "005")
        #expect(padded(1234, 2) == "1234")
        #expect(padded(-7, 2) == "00", "negative values are clamped to zero")
        #expect(padded(Int.max, 1) == String(Int.max))
    }

    @Test func aSmallRecordIsExactlyTheseBytes() {
        let record = AuditRecord(decision: PolicyDecision(allowed: true, images: [ImageDecision(subject: SubjectImage(
            image: "nginx", container: nil, role: .container, location: nil))]), webhook: "imagepolicy", uid: nil,
            namespace: nil, operation: nil, kind: "Pod", duration: .microseconds(42))
        let line = String(decoding: record.json(at: Date(timeIntervalSince1970: 86_400.5)), as: UTF8.self)
        #expect(line == #"{"time":"1970-01-02T00:00:00.500Z","webhook":"imagepolicy","kind":"Pod","allowed":true,"breakGlass":false,"durationMs":0.042,"images":[{"image":"nginx"}]}"# + "\n")
    }
}
