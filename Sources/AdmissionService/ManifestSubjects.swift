public import Foundation
public import ImagePolicy
import Admission
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
                result += try objects(in: value).compactMap { try named($0, number: offset + 1) }
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

    /// The object's pods as the admission webhooks read them (Admission's `WorkloadImages`), so CI and admission
    /// check the same containers at the same JSON pointers.
    static func named(_ object: ManifestValue, number: Int) throws -> Named? {
        guard let kind = object["kind"]?.stringValue else { return nil }
        let apiVersion = (object["apiVersion"]?.stringValue ?? "").split(separator: "/").map(String.init)
        let gvk = GroupVersionKind(group: apiVersion.count == 2 ? apiVersion[0] : "", version: apiVersion.last ?? "", kind: kind)
        let json = try JSONSerialization.data(withJSONObject: foundationValue(object))
        guard case .workload(let pod) = try WorkloadImages.extract(object: json, kind: gvk) else { return nil }
        // Listed in the order the pod starts them: init containers, containers, ephemeral containers.
        let order: [ImagePolicy.ContainerRole] = [.initContainer, .container, .ephemeralContainer]
        let images = pod.images.map {
            SubjectImage(image: $0.image, container: $0.container, role: AdmissionWebhooks.role($0.role), location: $0.pointer)
        }.enumerated().sorted {
            (order.firstIndex(of: $0.element.role) ?? 0, $0.offset) < (order.firstIndex(of: $1.element.role) ?? 0, $1.offset)
        }.map(\.element)
        let name = object.value(at: ["metadata", "name"])?.stringValue ?? "document \(number)"
        return Named(object: "\(kind)/\(name)",
                     subject: PolicySubject(namespace: pod.namespace ?? "default", annotations: pod.annotations, images: images))
    }

    /// A decoded manifest value as Foundation objects, for JSONSerialization.
    static func foundationValue(_ value: ManifestValue) -> Any {
        switch value {
        case .null: return NSNull()
        case .bool(let flag): return flag
        case .number(let number): return number
        case .string(let text): return text
        case .array(let items): return items.map(foundationValue)
        case .object(let members): return members.mapValues(foundationValue)
        }
    }
}
