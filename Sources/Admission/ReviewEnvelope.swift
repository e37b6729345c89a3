/// Checks shared by both review formats: the document is an object with the expected `apiVersion` and `kind`.
enum ReviewEnvelope {
    static func check(_ document: JSONDocument, apiVersion: String, kind: String, hint: String) throws(AdmissionError) {
        let root = JSONDocument.root
        try document.requireObject(root, what: "the \(kind)")
        guard let version = try document.stringMember(root, "apiVersion") else {
            throw AdmissionError(.wrongAPIVersion, "apiVersion: missing (expected \"\(apiVersion)\")", path: "apiVersion")
        }
        guard version == apiVersion else {
            throw AdmissionError(
                .wrongAPIVersion,
                "apiVersion: expected \"\(apiVersion)\", found \(JSONPath.quoted(version))\(hint)",
                path: "apiVersion"
            )
        }
        guard let found = try document.stringMember(root, "kind") else {
            throw AdmissionError(.wrongKind, "kind: missing (expected \"\(kind)\")", path: "kind")
        }
        guard found == kind else {
            throw AdmissionError(.wrongKind, "kind: expected \"\(kind)\", found \(JSONPath.quoted(found))", path: "kind")
        }
    }
}
