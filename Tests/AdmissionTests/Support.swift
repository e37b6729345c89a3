import Admission
import Foundation
import MoatTesting
import Testing

/// kubectl, run offline: it prints real objects (`create deployment … --dry-run=client -o json`), rewrites
/// images where it knows pod templates are (`set image --local`), and applies JSON patches with Go's
/// implementation (`patch --local --type=json`). Every helper fails with an install hint when kubectl is absent.
enum Kubectl {
    static func path() throws -> String {
        try TestEnvironment.requireTool("kubectl", package: "kubernetes-client")
    }

    /// Runs kubectl with `arguments` and returns its standard output, failing with its stderr.
    static func run(_ arguments: [String], stdin file: String? = nil) async throws -> String {
        let result = try await CommandRunner.run(try path(), arguments, displayName: "kubectl \(arguments.prefix(3).joined(separator: " "))")
        guard result.succeeded else {
            throw KubectlFailure(message: "kubectl \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.standardError)")
        }
        return result.standardOutputText
    }

    /// A Pod as kubectl prints it. `kubectl run --dry-run=client` needs an apiserver from kubectl 1.27 on (it
    /// asks for API discovery); then the Pod is printed by `kubectl set image --local` from a minimal manifest,
    /// which round-trips it through the same Go types and printer.
    static func pod(name: String, image: String) async throws -> String {
        if let printed = try? await run(["run", name, "--image=\(image)", "--restart=Never", "--dry-run=client", "-o", "json"]) {
            return printed
        }
        let manifest = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(name)"},"spec":{"containers":[{"name":"\#(name)","image":"placeholder"}]}}"#
        return try await withTemporaryFile(manifest) { file in
            try await run(["set", "image", "--local", "-f", file, "\(name)=\(image)", "-o", "json"])
        }
    }

    /// The CronJob apiVersion this kubectl knows (`batch/v1beta1` before 1.21, `batch/v1` after).
    static func cronJobAPIVersion() async throws -> String {
        let printed = try await run(["create", "cronjob", "probe", "--image=x", "--schedule=* * * * *", "--dry-run=client", "-o", "json"])
        let version = try Oracle.object(printed)["apiVersion"] as? String
        return try #require(version, "kubectl printed a CronJob without apiVersion")
    }

    /// Replaces every image kubectl knows about (containers and init containers of any pod template).
    static func setAllImages(_ object: String, to image: String) async throws -> String {
        try await withTemporaryFile(object) { file in
            try await run(["set", "image", "--local", "-f", file, "*=\(image)", "-o", "json"])
        }
    }

    /// Applies `patch` (a JSON Patch document) to `object` with kubectl's (Go) JSON Patch implementation.
    static func applyJSONPatch(_ patch: String, to object: String) async throws -> String {
        try await withTemporaryFile(object) { file in
            try await run(["patch", "--local", "-f", file, "--type=json", "-p", patch, "-o", "json"])
        }
    }

    private static func withTemporaryFile<T>(_ contents: String, _ body: (String) async throws -> T) async throws -> T {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("moat-admission-\(UUID().uuidString).json").path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try await body(file)
    }
}

struct KubectlFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Builds an AdmissionReview the way the apiserver sends it (§6), around an object's JSON text.
struct Review {
    var uid = "b7b6e8a2-3f1c-4d9e-9a51-0c2f4f6d8e11"
    var group = ""
    var version = "v1"
    var kind = "Pod"
    var resource = "pods"
    var subResource: String?
    var name: String? = "x"
    var namespace: String? = "team-a"
    var operation = "CREATE"
    var object: String?
    var oldObject: String?
    var dryRun = false

    var json: String {
        let group = #""group":"\#(self.group)""#
        var request = [
            #""uid":"\#(uid)""#,
            #""kind":{\#(group),"version":"\#(version)","kind":"\#(kind)"}"#,
            #""resource":{\#(group),"version":"\#(version)","resource":"\#(resource)"}"#,
        ]
        if let subResource { request.append(#""subResource":"\#(subResource)""#) }
        request.append(#""requestKind":{\#(group),"version":"\#(version)","kind":"\#(kind)"}"#)
        request.append(#""requestResource":{\#(group),"version":"\#(version)","resource":"\#(resource)"}"#)
        if let subResource { request.append(#""requestSubResource":"\#(subResource)""#) }
        if let name { request.append(#""name":"\#(name)""#) }
        if let namespace { request.append(#""namespace":"\#(namespace)""#) }
        request.append(#""operation":"\#(operation)""#)
        request.append(
            #""userInfo":{"username":"kubernetes-admin","uid":"aws-iam-authenticator:111122223333:AROAEXAMPLE","groups":["system:masters","system:authenticated"],"extra":{"accessKeyId":["AKIAEXAMPLE"]}}"#
        )
        request.append(#""object":\#(object ?? "null")"#)
        request.append(#""oldObject":\#(oldObject ?? "null")"#)
        request.append(#""dryRun":\#(dryRun)"#)
        let options = operation == "UPDATE" ? "UpdateOptions" : operation == "DELETE" ? "DeleteOptions" : "CreateOptions"
        request.append(#""options":{"kind":"\#(options)","apiVersion":"meta.k8s.io/v1","fieldManager":"kubectl-client-side-apply","fieldValidation":"Strict"}"#)
        return #"{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{\#(request.joined(separator: ","))}}"#
    }

    func decode() throws -> AdmissionRequest {
        try AdmissionRequest(reviewJSON: Data(json.utf8))
    }
}

/// Independent checks of written JSON through Foundation's parser.
enum Oracle {
    static func object(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: data)
        return try #require(value as? [String: Any], "not a JSON object: \(String(decoding: data, as: UTF8.self))", sourceLocation: sourceLocation)
    }

    static func object(_ text: String) throws -> [String: Any] {
        try object(Data(text.utf8))
    }

    /// The value at RFC 6901 `pointer` in `root`, resolved with `JSONPointer.tokens`.
    static func resolve(_ pointer: String, in root: Any) -> Any? {
        guard let tokens = JSONPointer.tokens(pointer) else { return nil }
        var current: Any = root
        for token in tokens {
            if let object = current as? [String: Any], let next = object[token] {
                current = next
            } else if let array = current as? [Any], let index = Int(token), array.indices.contains(index) {
                current = array[index]
            } else {
                return nil
            }
        }
        return current
    }
}

/// Expects `body` to throw an `AdmissionError` with `code` whose message contains `fragments`; returns it.
@discardableResult
func expectAdmissionError(
    _ code: AdmissionError.Code, _ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> AdmissionError? {
    do {
        try body()
        Issue.record("expected an AdmissionError \(code), but nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as AdmissionError {
        #expect(error.code == code, "wrong code for: \(error.message)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(error.message.contains(fragment), "message lacks \"\(fragment)\": \(error.message)", sourceLocation: sourceLocation)
        }
        return error
    } catch {
        Issue.record("expected an AdmissionError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
