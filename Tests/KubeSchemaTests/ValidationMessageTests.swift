import Foundation
import Testing
@testable import KubeSchema

/// Messages as kubesec prints them (kubeconform strict mode, jsonschema v6 text), for the bundled schemas.
struct ValidationMessageTests {
    static let template = #""template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}"#

    static func deployment(spec: String, extra: String = "") -> String {
        #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"# + spec + "}" + extra + "}"
    }

    @Test func validDeploymentHasNoMessage() throws {
        let spec = #""selector":{"matchLabels":{"app":"web"}},"replicas":3,"# + Self.template
        #expect(try Documents.validate(Self.deployment(spec: spec)) == [.valid])
    }

    @Test func missingRequiredProperty() throws {
        #expect(try Documents.validate(Self.deployment(spec: Self.template))
            == [Documents.invalid("deployment-apps-v1.json", "- at '/spec': missing property 'selector'")])
    }

    @Test func missingSeveralRequiredPropertiesKeepsSchemaOrder() throws {
        #expect(try Documents.validate(Self.deployment(spec: #""replicas":1"#))
            == [Documents.invalid("deployment-apps-v1.json", "- at '/spec': missing properties 'selector', 'template'")])
    }

    @Test func wrongTypeListsNullFirst() throws {
        let spec = #""selector":{},"replicas":"3","# + Self.template
        #expect(try Documents.validate(Self.deployment(spec: spec))
            == [Documents.invalid("deployment-apps-v1.json", "- at '/spec/replicas': got string, want null or integer")])
    }

    @Test func unknownFieldIsAnAdditionalProperty() throws {
        let spec = #""selector":{},"# + Self.template
        #expect(try Documents.validate(Self.deployment(spec: spec, extra: #","fake":1"#))
            == [Documents.invalid("deployment-apps-v1.json", "- at '': additional properties 'fake' not allowed")])
    }

    @Test func severalUnknownFieldsAreOneErrorInByteOrder() throws {
        let spec = #""selector":{},"# + Self.template
        #expect(try Documents.validate(Self.deployment(spec: spec, extra: #","zeta":1,"Alpha":2,"beta":3"#))
            == [Documents.invalid("deployment-apps-v1.json", "- at '': additional properties 'Alpha', 'beta', 'zeta' not allowed")])
    }

    /// Two errors in one object form a group that the root flattens: one `- at` per cause.
    @Test func multipleCausesInOneMessage() throws {
        #expect(try Documents.validate(Self.deployment(spec: #""replicas":"3","# + Self.template))
            == [Documents.invalid("deployment-apps-v1.json",
                "- at '/spec': missing property 'selector' - at '/spec/replicas': got string, want null or integer")])
    }

    /// Errors under two different members: the property errors first, then the root's unknown field.
    @Test func causesFromSeveralLevels() throws {
        let spec = #""selector":{},"replicas":"3","# + Self.template
        #expect(try Documents.validate(Self.deployment(spec: spec, extra: #","fake":true"#))
            == [Documents.invalid("deployment-apps-v1.json",
                "- at '/spec/replicas': got string, want null or integer - at '': additional properties 'fake' not allowed")])
    }

    /// A group below another error is not flattened: v6 prints it as `validation failed` with indented causes.
    @Test func nestedGroupsAreIndented() throws {
        let spec = #""selector":{},"replicas":"3","# + Self.template
        let document = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"a":1},"annotations":{"b":false}},"spec":{"# + spec + "}}"
        #expect(try Documents.validate(document) == [Documents.invalid("deployment-apps-v1.json",
            "- at '/metadata': validation failed   - at '/metadata/annotations/b': got boolean, want null or string"
                + "   - at '/metadata/labels/a': got number, want null or string"
                + " - at '/spec/replicas': got string, want null or integer")])
    }

    @Test func nestedPointersIntoContainers() throws {
        let spec = #""selector":{},"template":{"spec":{"containers":[{"name":"a","fake":1,"ports":[{"containerPort":"80"}]}]}}"#
        #expect(try Documents.validate(Self.deployment(spec: spec)) == [Documents.invalid("deployment-apps-v1.json",
            "- at '/spec/template/spec/containers/0/ports/0/containerPort': got string, want integer"
                + " - at '/spec/template/spec/containers/0': additional properties 'fake' not allowed")])
    }

    static let service = #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"ports":[{"port":80,"targetPort":TARGET}]}}"#

    /// IntOrString is `oneOf: [string|null, integer|null]`: a boolean matches neither.
    @Test func oneOfNoneMatchedListsEverySubschema() throws {
        let document = Self.service.replacingOccurrences(of: "TARGET", with: "true")
        #expect(try Documents.validate(document) == [Documents.invalid("service-v1.json",
            "- at '/spec/ports/0/targetPort': 'oneOf' failed, none matched"
                + "   - at '/spec/ports/0/targetPort': got boolean, want null or string"
                + "   - at '/spec/ports/0/targetPort': got boolean, want null or integer")])
    }

    /// null satisfies both IntOrString branches, which oneOf forbids.
    @Test func oneOfSeveralMatched() throws {
        let document = Self.service.replacingOccurrences(of: "TARGET", with: "null")
        #expect(try Documents.validate(document) == [Documents.invalid("service-v1.json",
            "- at '/spec/ports/0/targetPort': 'oneOf' failed, subschemas 0, 1 matched")])
    }

    @Test(arguments: ["8080", "8080.0", "8e3", #""http""#])
    func oneOfAcceptsIntegersAndStrings(_ target: String) throws {
        #expect(try Documents.validate(Self.service.replacingOccurrences(of: "TARGET", with: target)) == [.valid])
    }

    @Test func fractionalNumberIsNotAnInteger() throws {
        let document = Self.service.replacingOccurrences(of: "TARGET", with: "80.5")
        #expect(try Documents.validate(document) == [Documents.invalid("service-v1.json",
            "- at '/spec/ports/0/targetPort': 'oneOf' failed, none matched"
                + "   - at '/spec/ports/0/targetPort': got number, want null or string"
                + "   - at '/spec/ports/0/targetPort': got number, want null or integer")])
    }

    @Test func enumOnKind() throws {
        #expect(try Documents.validate(#"{"apiVersion":"v1","kind":"pod","metadata":{"name":"p"}}"#)
            == [Documents.invalid("pod-v1.json", "- at '/kind': value must be 'Pod'")])
    }

    @Test func enumOnApiVersionAfterCaseFolding() throws {
        #expect(try Documents.validate(#"{"apiVersion":"V1","kind":"ConfigMap","metadata":{"name":"c"}}"#)
            == [Documents.invalid("configmap-v1.json", "- at '/apiVersion': value must be 'v1'")])
    }

    @Test func quantityAcceptsNumbersAndStrings() throws {
        let pod = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","resources":{"limits":{"cpu":0.5,"memory":"1Gi"}}}]}}"#
        #expect(try Documents.validate(pod) == [.valid])
    }

    @Test func quotedPropertyNamesUseGoEscapes() throws {
        let document = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"it's":1,"tab\there":2,"a/b~c":{}}"#
        #expect(try Documents.validate(document) == [Documents.invalid("configmap-v1.json",
            #"- at '': additional properties 'a/b~c', 'it\'s', 'tab\there' not allowed"#)])
    }

    @Test func pointerTokensAreEscaped() throws {
        let document = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","annotations":{"example.com/a~b":1}}}"#
        #expect(try Documents.validate(document) == [Documents.invalid("configmap-v1.json",
            "- at '/metadata/annotations/example.com~1a~0b': got number, want null or string")])
    }
}
