@testable import Inventory
import Testing

@Suite("Node.js packages")
struct NodePackageTests {
    @Test("every file named package.json is read", arguments: [
        ("app/node_modules/lodash/package.json", true), ("package.json", true), ("srv/app/package.json", true),
        ("app/node_modules/x/my-package.json", false), ("app/package.json.bak", false), ("app/package-lock.json", false),
    ])
    func paths(_ path: String, _ expected: Bool) {
        #expect(NodePackageJSON.isPackageJSON(path) == expected)
    }

    @Test("license shapes: string, {type}, arrays, legacy licenses", arguments: [
        (#"{"name":"a","version":"1.0.0","license":"MIT"}"#, ["MIT"]),
        (#"{"name":"a","version":"1.0.0","license":{"type":"ISC","url":"http://x"}}"#, ["ISC"]),
        (#"{"name":"tv4","version":"1.3.0","license":[{"type":"Public Domain"},{"type":"MIT"}]}"#, ["Public Domain", "MIT"]),
        (#"{"name":"a","version":"1.0.0","license":[{"type":""},{"type":"MIT"}]}"#, ["MIT"]),
        (#"{"name":"a","version":"1.0.0","licenses":[{"type":"BSD"},"Apache-2.0"]}"#, ["BSD", "Apache-2.0"]),
        (#"{"name":"a","version":"1.0.0","license":null,"licenses":"GPL-2.0"}"#, ["GPL-2.0"]),
        (#"{"name":"a","version":"1.0.0","license":"(MIT OR Apache-2.0)"}"#, ["(MIT OR Apache-2.0)"]),
        (#"{"name":"a","version":"1.0.0","license":{"name":"weird"}}"#, []),
        (#"{"name":"a","version":"1.0.0","license":42}"#, []),
    ])
    func licenses(_ json: String, _ expected: [String]) throws {
        let package = try #require(try NodePackageJSON.parse(Array(json.utf8), filePath: "p/package.json"))
        #expect(package.licenses == expected)
    }

    @Test("scoped packages get the scope as purl namespace")
    func scoped() throws {
        let json = #"{"name":"@Angular/Core","version":"16.0.0","license":"MIT","dependencies":{"tslib":"^2.3.0"}}"#
        let package = try #require(try NodePackageJSON.parse(Array(json.utf8), filePath: "app/node_modules/@angular/core/package.json"))
        #expect(package == Package(type: .node, name: "@Angular/Core", version: "16.0.0", licenses: ["MIT"],
                                   purl: "pkg:npm/%40angular/core@16.0.0", filePath: "app/node_modules/@angular/core/package.json"))
    }

    @Test("package.json without a name or version is not a package", arguments: [
        #"{"private":true,"workspaces":["packages/*"]}"#, #"{"name":"app"}"#, #"{"version":"1.0.0"}"#, #"{"name":"a","version":""}"#,
    ])
    func noPackage(_ json: String) throws {
        #expect(try NodePackageJSON.parse(Array(json.utf8), filePath: "package.json") == nil)
    }

    @Test("invalid input is an error, not a crash", arguments: [
        "", "not json", "[1,2,3]", #"{"name":"a","version":"1"#, #"{"name":"x@y","version":"1"}"#, #"{"name":"a/b","version":"1"}"#,
        #"{"name":7,"version":"1"}"#, #"{"name":"a","version":["1"]}"#, #"{"name":"a\u0000","version":"1"}"#,
        String(repeating: "[", count: 200_000), String(repeating: #"{"a":"#, count: 50_000),
        #"{"name":"a","version":"1","x":"\u12"}"#,
    ])
    func invalid(_ json: String) {
        #expect(throws: NodePackageError.self) { try NodePackageJSON.parse(Array(json.utf8), filePath: "package.json") }
    }

    @Test("names npm allows", arguments: [
        ("", true), ("test_package", true), ("test.package", true), ("@test/package", true), ("test@package", false),
        ("test?package", false), ("test/package", false), ("package/", false), ("@/x", false), ("@scope/", false),
    ])
    func names(_ name: String, _ valid: Bool) {
        #expect(NodePackageJSON.isValidName(name) == valid)
    }

    @Test("JSON details: escapes, surrogate pairs, a byte-order mark, duplicate keys, trailing data")
    func jsonDetails() throws {
        let text = #"{"name":"a","version":"0.0.1","version":"2.0.0","license":"caf\u00e9 \ud83d\ude00 \ud800 A\/B\n"} trailing"#
        let package = try #require(try NodePackageJSON.parse([0xef, 0xbb, 0xbf] + Array(text.utf8), filePath: "package.json"))
        #expect(package.version == "2.0.0")
        #expect(package.licenses == ["café 😀 \u{FFFD} A/B"])
    }
}
