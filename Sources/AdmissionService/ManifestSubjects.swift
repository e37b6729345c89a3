public import Foundation
public import ImagePolicy
import ManifestLint

/// The pods that Kubernetes manifests (YAML or JSON, several documents, Lists) would create, as policy subjects, for
/// `moat policy check -f`: the same containers the admission webhooks check, before deploying.
public enum ManifestSubjects {
    public struct Named: Sendable {
        /// `Deployment/web` (with the document number when there is no name).
        public var object: String
        public var subject: PolicySubject

        public init(object: String, subject: PolicySubject) {
            self.object = object
            self.subject = subject
        }
    }

    public static func subjects(from data: Data, file: String) throws -> [Named] {
        let documents: [ManifestDocument]
        do {
            documents = try ManifestDocuments.decode(data)
        } catch {
            throw FactError("\(file): \(error)")
        }
        var result: [Named] = []
        for (offset, document) in documents.enumerated() {
            switch document {
            case .value(let value), .repeatedKeys(let value, _):
                result += objects(in: value).compactMap { named($0, number: offset + 1) }
            case .failure(let message):
                throw FactError("\(file): document \(offset + 1): \(message)")
            }
        }
        return result
    }

    /// A `List` expands to its items.
    static func objects(in value: ManifestValue) -> [ManifestValue] {
        if let items = value["items"]?.arrayValue, value["kind"]?.stringValue?.hasSuffix("List") == true { return items }
        return [value]
    }

    static let podKinds: Set<String> = ["Pod", "ReplicationController", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job",
                                        "CronJob", "PodTemplate"]

    static func named(_ object: ManifestValue, number: Int) -> Named? {
        guard let kind = object["kind"]?.stringValue, podKinds.contains(kind) else { return nil }
        let specPath = kind == "PodTemplate" ? ["template", "spec"] : RuleContext.podSpecPath(forKind: kind)
        guard let spec = object.value(at: specPath) else { return nil }
        let metadataPath = kind == "Pod" ? ["metadata"] : Array(specPath.dropLast()) + ["metadata"]
        var annotations: [String: String] = [:]
        if case .object(let members)? = object.value(at: metadataPath + ["annotations"]) {
            for (key, value) in members { annotations[key] = value.stringValue ?? value.goText }
        }
        var images: [SubjectImage] = []
        for (list, role) in [("initContainers", ContainerRole.initContainer), ("containers", .container), ("ephemeralContainers", .ephemeralContainer)] {
            for (index, container) in (spec[list]?.arrayValue ?? []).enumerated() {
                guard let image = container["image"]?.stringValue else { continue }
                let pointer = "/" + (specPath + [list, String(index), "image"]).joined(separator: "/")
                images.append(SubjectImage(image: image, container: container["name"]?.stringValue, role: role, location: pointer))
            }
        }
        let name = object.value(at: ["metadata", "name"])?.stringValue ?? "document \(number)"
        let subject = PolicySubject(namespace: object.value(at: ["metadata", "namespace"])?.stringValue ?? "default",
                                    annotations: annotations, images: images)
        return Named(object: "\(kind)/\(name)", subject: subject)
    }
}
