@testable import AdmissionService
import Foundation
import ImagePolicy
import Testing

@Suite struct AuditRecordTests {
    @Test func oneParseableLineWithEveryViolation() throws {
        let image = ImageDecision(
            subject: SubjectImage(image: "evil\"<img>\n", container: "app", role: .container, location: "/spec/containers/0/image"),
            results: [
                RuleResult(rule: .allowedRegistries, mode: .enforce, outcome: .violated, message: "registry \"x\" not allowed\n"),
                RuleResult(rule: .forbiddenTags, mode: .enforce, outcome: .passed, message: "ok"),
            ])
        let record = AuditRecord(decision: PolicyDecision(allowed: false, images: [image]), webhook: "validate", uid: "u-1",
                                 namespace: "prod", operation: "CREATE", kind: "Deployment", duration: .microseconds(1500))
        let line = record.json(at: Date(timeIntervalSince1970: 1_795_000_000.25))
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.filter { $0 == UInt8(ascii: "\n") }.count == 1, "exactly one line, whatever the messages hold")
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        #expect(object["time"] as? String == "2026-11-18T11:06:40.250Z")
        #expect(object["allowed"] as? Bool == false)
        #expect(object["uid"] as? String == "u-1")
        #expect(object["durationMs"] as? Double == 1.5)
        let images = try #require(object["images"] as? [[String: Any]])
        #expect(images.first?["image"] as? String == "evil\"<img>\n")
        let violations = try #require(images.first?["violations"] as? [[String: String]])
        #expect(violations.count == 1, "passed rules are not listed")
        #expect(violations.first?["rule"] == "allowedRegistries")
        #expect(violations.first?["message"] == "registry \"x\" not allowed\n")
    }
}
