import Foundation
import KubeSchema
import Testing
@testable import ManifestLint

/// The fast block-YAML path must decode exactly what the Yams path decodes, or give up.
struct BlockYAMLParserTests {
    static let pod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          namespace: shop
          labels:
            app: web
            app.kubernetes.io/name: "web"
        spec:
          serviceAccountName: web
          automountServiceAccountToken: false
          securityContext:
            runAsNonRoot: true
            runAsUser: 10001
            runAsGroup: 10001
            seccompProfile:
              type: RuntimeDefault
          containers:
            - name: web
              image: registry.example.com/shop/web:1.4.2
              ports:
                - containerPort: 8080
              securityContext:
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities:
                  drop: ["ALL"]
              resources:
                limits:
                  cpu: 500m
                  memory: 256Mi
                requests:
                  cpu: 100m
                  memory: 128Mi
              readinessProbe:
                httpGet:
                  path: /ready
                  port: 8080
              volumeMounts:
                - name: tmp
                  mountPath: /tmp
          volumes:
            - name: tmp
              emptyDir: {}
        """

    /// Documents the fast path must take (and agree with Yams on).
    static let accepted: [String] = [
        pod,
        "---\n" + pod,
        "a: 1",
        "a:\n- x\n- y\nb: 2",
        "a:\n  - x\n  -\n  - y\n",
        "a:\n  b:\n  c: ~\nd:",
        "k: v # comment\n# full line\n  # indented comment\nl: 'it''s' # c\nm: \"q\"",
        "list:\n- name: a\n  value: \"1\"\n-   name: b\n    value: 2\n- plain\n- 'q'\n-\n  nested: true",
        "n: [a, b , 'c', \"d\", 1, -2, 0x1F, 1.5, .inf, ~, null, true, yes, Off]\ne: []\nf: {}\ng: { }\nh: [ ]",
        "ints: [0, 7, 007, 08, 1_000, +3, -0, 12345678901234567890, 0b11, 0o17, 99999999999999999999999]\nsex: 1:30\nsexf: 190:20:30.15",
        "floats: [1.0, 1e3, 1.5e+3, -.5, .nan, -.inf, +.INF, 6.8523015e+5, 1.]",
        "bools: [y, n, Y, N, TRUE, False, oN, yES]\nnulls: [Null, NULL, nULL, '~', '']",
        "s1: 2001-12-14t21:59:43.10-05:00\ns2: 2002-12-14\ns3: 2001-12-14 21:59:43.10 -5",
        "true: a\nfalse: b\n1: c\n1.5: d\nnull: e\n~x: f\n'<<': g\n=: h\nk: <<\nv: =",
        "key : spaced\n\"quoted\": 1\n'single': 2\n\"q\" : 3",
        "url: http://example.com:8080/a#b\nmix: a'b\"c\nbr: a[0]{1},2\ndash: ---\nneg: -1\ndashword: -c",
        "a:\n  b:\n    c:\n      - d:\n          e: [x]\n        f: g\n  h: i",
        "- a\n- b: c\n  d: e",
        "a: 'x'   \nb: \"y\"   # t\nc: plain   ",
        "deep:\n" + String(repeating: " ", count: 2) + "x: 1\n" + "other: [\"ALL\", \"NET_RAW\"]",
        "n: 123abc\nm: 1.2.3\no: 10.0.0.1\np: 0.5\nq: 1e\nr: 0x\ns: 0o\nt: +\nu: -.\nv: .5",
    ]

    /// Documents the fast path must leave to Yams (it gives up).
    static let refused: [String] = [
        "a: |\n  text\n",
        "a: >\n  text\n",
        "a: &x 1\nb: *x",
        "a: !!str 1",
        "a: \"esc\\n\"",
        "a: b: c",
        "a: b:",
        "a: x\n  continued",
        "a:\n  multi\n  line",
        "a: 1\na: 2",
        "<<: {a: 1}",
        "a: [1, [2]]",
        "a: {b: 1}",
        "a: [1,\n  2]",
        "a:\tb",
        "a: b\r\nc: d",
        "a: é",
        "%YAML 1.1\n---\na: 1",
        "a: 1\n---\nb: 2",
        "a: 1\n...\n",
        "a: 1\n b: 2",
        "a:\n    b: 1\n  c: 2",
        "- a\nb: 1",
        "a: 1\n- b",
        "a: @x",
        "a: `x",
        "? a\n: b",
        "a: 'unterminated",
        "a: \"unterminated",
        "a: [1, ]",
        "a: [,]",
        "a: [a:b]",
        "just a string",
        "# only a comment",
        "a: - b",
        "a: \"x\"y",
        "a: 'x'#c",
    ]

    static func fast(_ yaml: String) -> ManifestValue? {
        BlockYAMLParser.parse(Array(yaml.utf8), limits: .default)
    }

    static func yams(_ yaml: String) -> Result<ManifestValue, ManifestDocuments.DecodeFailure> {
        ManifestDocuments.decodeWithYams(yaml, limits: .default)
    }

    @Test(arguments: accepted)
    func acceptedDocumentsMatchYams(_ yaml: String) throws {
        let value = try #require(Self.fast(yaml))
        #expect(Self.yams(yaml) == .success(value))
    }

    @Test(arguments: refused)
    func unusualDocumentsAreLeftToYams(_ yaml: String) {
        #expect(Self.fast(yaml) == nil)
    }

    @Test func limitsAreCountedLikeConvert() throws {
        let yaml = "a:\n  b: [1, 2]\n  c:\n  - x\n"
        // Nodes: root, a's mapping, b's sequence, 1, 2, c's sequence, x = 7, plus the keys a, b, c = 10.
        var limits = ManifestLimits.default
        limits.maxNodes = 10
        #expect(BlockYAMLParser.parse(Array(yaml.utf8), limits: limits) != nil)
        limits.maxNodes = 9
        #expect(BlockYAMLParser.parse(Array(yaml.utf8), limits: limits) == nil)
        limits = .default
        limits.maxDepth = 3
        #expect(BlockYAMLParser.parse(Array(yaml.utf8), limits: limits) != nil)
        limits.maxDepth = 2
        #expect(BlockYAMLParser.parse(Array(yaml.utf8), limits: limits) == nil)
        #expect(ManifestDocuments.decodeWithYams(yaml, limits: limits) == .failure(.limit(LimitMessage.depth(2))))
    }

    @Test func scanResultsAreTheSameEitherWay() throws {
        let viaFast = try Fixture.scan(Self.pod)
        let node = try #require(try? Self.yams(Self.pod).get())
        let viaYams = [KubesecScanner.scan(
            document: .value(node), fileName: "x.yaml", rules: KubesecRules.all, validator: .bundled)]
        #expect(viaFast == viaYams)
        #expect(KubesecJSON.encode(viaFast) == KubesecJSON.encode(viaYams))
    }
}
