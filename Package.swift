// swift-tools-version: 6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "moat",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "moat", targets: ["moat"]),
        .library(name: "OCIModel", targets: ["OCIModel"]),
        .library(name: "OCIImage", targets: ["OCIImage"]),
        .library(name: "LayerFS", targets: ["LayerFS"]),
        .library(name: "ImageAnalysis", targets: ["ImageAnalysis"]),
        .library(name: "Reporting", targets: ["Reporting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "4.5.2"..<"5.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        // ISA-L is loaded at run time (dlopen) so a machine without libisal still runs moat on zlib.
        .target(
            name: "CMoatInflate",
            linkerSettings: [.linkedLibrary("z"), .linkedLibrary("dl")]
        ),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "MoatSQLite", dependencies: ["CSQLite"], swiftSettings: strictSettings),
        .target(name: "Versioning", swiftSettings: strictSettings),
        .target(
            name: "Inventory",
            dependencies: ["OCIModel", "LayerFS", "MoatSQLite", "CMoatInflate", "Versioning"],
            swiftSettings: strictSettings
        ),
        // The proxy for a URL from http_proxy/https_proxy/all_proxy/no_proxy, as curl and docker read them.
        .target(
            name: "HTTPProxy",
            dependencies: [.product(name: "AsyncHTTPClient", package: "async-http-client")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "VulnDB",
            dependencies: [
                "MoatSQLite", "Versioning", "Inventory", "HTTPProxy", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                // `moat db update` downloads (HTTPDownloader).
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings
        ),
        .target(name: "VulnMatch", dependencies: ["Inventory", "VulnDB", "Versioning"], swiftSettings: strictSettings),
        .target(
            name: "Scanner",
            dependencies: ["OCIImage", "LayerFS", "ImageAnalysis", "Inventory", "VulnDB", "VulnMatch"],
            swiftSettings: strictSettings
        ),
        .target(name: "DockerfileLint", dependencies: ["OCIModel"], swiftSettings: strictSettings),
        // Kubernetes JSON schemas (bundled, compressed) and a JSON Schema validator with kubeconform's messages.
        .target(name: "KubeSchema", dependencies: ["Compression"], swiftSettings: strictSettings),
        // The pre-scan that keeps hostile YAML (deep nesting, alias keys) away from Yams' recursive composer.
        .target(name: "YAMLGuard", swiftSettings: strictSettings),
        .target(name: "ManifestLint", dependencies: ["OCIModel", "KubeSchema", "YAMLGuard", .product(name: "Yams", package: "Yams")], swiftSettings: strictSettings),
        // Registry credentials: docker config.json, credential helpers, pull secrets, kubectl-identical Secret YAML.
        .target(name: "ChildProcess", swiftSettings: strictSettings),
        .target(name: "RegistryCredentials", dependencies: ["OCIModel", "YAMLGuard", "ChildProcess", .product(name: "Yams", package: "Yams")], swiftSettings: strictSettings),
        // OCI distribution client: auth, manifests, blobs, push, retries, blob cache; a registry as an image source.
        .target(
            name: "Registry",
            dependencies: [
                "OCIModel", "OCIImage", "RegistryCredentials", "HTTPProxy",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // Sigstore key material: cosign's encrypted key files (scrypt + NaCl secretbox), PEM keys, signing and verifying.
        .target(
            name: "SigstoreKeys",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strictSettings
        ),
        // Sigstore trust material checked offline: Rekor signed entry timestamps, Fulcio-style certificate chains and identities.
        .target(
            name: "SigstoreTrust",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strictSettings
        ),
        // cosign-compatible image signatures: payloads, `.sig` tags, Sigstore bundles as OCI referrers, the verifier.
        .target(
            name: "ImageSigning",
            dependencies: ["OCIModel", "OCIImage", "Registry", "SigstoreKeys", "SigstoreTrust", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // Admission policy: the policy file (registries, digests, tags, signatures, vulnerabilities, footprint), its
        // component-wise image patterns and the decision engine over facts gathered about each image.
        .target(name: "ImagePolicy", dependencies: ["OCIModel", "YAMLGuard", .product(name: "Yams", package: "Yams")], swiftSettings: strictSettings),
        // Kubernetes admission wire formats: ImageReview, AdmissionReview v1, pod specs of every workload kind, JSONPatch.
        .target(name: "Admission", dependencies: ["OCIModel"], swiftSettings: strictSettings),
        // The admission webhooks of `moat serve` and `moat policy check`: policy decisions over facts gathered from the
        // registry, the signature verifier and the scanner, cached; audit log and metrics.
        .target(
            name: "AdmissionService",
            dependencies: [
                "Admission", "ImagePolicy", "ImageSigning", "SigstoreKeys", "Registry", "Scanner", "ImageAnalysis", "VulnDB", "VulnMatch", "Inventory",
                "OCIImage", "OCIModel", "ScanServer", "ManifestLint", "MoatSQLite",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ScanServer",
            dependencies: [
                "ManifestLint",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        .target(name: "SBOM", dependencies: ["Inventory", "OCIModel"], swiftSettings: strictSettings),
        .target(name: "OCIModel", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: strictSettings),
        .target(name: "Compression", dependencies: ["CMoatInflate", "CZstd"], swiftSettings: strictSettings),
        .target(name: "LayerFS", swiftSettings: strictSettings),
        .target(
            name: "OCIImage",
            dependencies: ["OCIModel", "Compression", "LayerFS", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ImageAnalysis",
            dependencies: ["OCIModel", "OCIImage", "LayerFS", "Compression", "CMoatInflate", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .target(name: "Reporting", dependencies: ["ImageAnalysis", "OCIModel", "LayerFS", "Scanner", "Inventory", "VulnMatch", "VulnDB", "SBOM", "OCIImage"], swiftSettings: strictSettings),
        .executableTarget(
            name: "moat",
            dependencies: [
                "OCIModel", "OCIImage", "LayerFS", "ImageAnalysis", "Reporting", "Scanner", "VulnDB", "VulnMatch", "SBOM", "Inventory", "ManifestLint", "DockerfileLint", "ScanServer",
                "KubeSchema", "Registry", "RegistryCredentials", "ImageSigning", "SigstoreKeys", "SigstoreTrust", "ImagePolicy", "Admission", "AdmissionService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // The bare HTTPS endpoint scripts/bench-admission.sh compares `moat serve`'s webhooks with.
        .executableTarget(
            name: "bench-bare-endpoint",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Benchmarks/BareTLSEndpoint",
            swiftSettings: strictSettings
        ),
        .target(
            name: "MoatTesting",
            dependencies: [
                "OCIModel", "LayerFS", "CMoatInflate", "CZstd", "ChildProcess",
                // The registry harness: a CA and certificates, and the token server distribution trusts.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "OCIModelTests", dependencies: ["OCIModel"], swiftSettings: strictSettings),
        .testTarget(name: "CompressionTests", dependencies: ["Compression", "MoatTesting"], swiftSettings: strictSettings),
        .testTarget(name: "LayerFSTests", dependencies: ["LayerFS", "MoatTesting"], swiftSettings: strictSettings),
        .testTarget(name: "OCIImageTests", dependencies: ["OCIImage", "MoatTesting"], swiftSettings: strictSettings),
        .testTarget(name: "ImageAnalysisTests", dependencies: ["ImageAnalysis", "OCIImage", "MoatTesting", "Reporting"], swiftSettings: strictSettings),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "ImageAnalysis", "OCIImage", "MoatTesting"], swiftSettings: strictSettings),
        .testTarget(name: "MoatSQLiteTests", dependencies: ["MoatSQLite"], swiftSettings: strictSettings),
        .testTarget(name: "VersioningTests", dependencies: ["Versioning"], swiftSettings: strictSettings),
        .testTarget(name: "InventoryTests", dependencies: ["Inventory", "MoatTesting", "LayerFS"], swiftSettings: strictSettings),
        .testTarget(name: "HTTPProxyTests", dependencies: ["HTTPProxy", .product(name: "AsyncHTTPClient", package: "async-http-client")],
                    swiftSettings: strictSettings),
        .testTarget(name: "VulnDBTests", dependencies: ["VulnDB", "HTTPProxy", "MoatTesting"], swiftSettings: strictSettings),
        .testTarget(name: "VulnMatchTests", dependencies: ["VulnMatch", "VulnDB", "Inventory", "MoatTesting"], swiftSettings: strictSettings),
        .testTarget(name: "ScannerTests", dependencies: ["Scanner", "VulnDB", "MoatTesting", "OCIImage"], swiftSettings: strictSettings),
        .testTarget(name: "DockerfileLintTests", dependencies: ["DockerfileLint", "MoatTesting", "OCIModel"], swiftSettings: strictSettings),
        .testTarget(name: "ManifestLintTests", dependencies: ["ManifestLint", "KubeSchema", "MoatTesting", "OCIModel"], swiftSettings: strictSettings),
        .testTarget(
            name: "ScanServerTests",
            dependencies: ["ScanServer", "MoatTesting", .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "KubeSchemaTests", dependencies: ["KubeSchema"], swiftSettings: strictSettings),
        .testTarget(name: "RegistryCredentialsTests", dependencies: ["RegistryCredentials", "MoatTesting"], swiftSettings: strictSettings),
        .testTarget(name: "RegistryTests", dependencies: ["Registry", "RegistryCredentials", "MoatTesting", "OCIImage",
                                                     .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")],
                    swiftSettings: strictSettings),
        .testTarget(name: "SigstoreKeysTests", dependencies: ["SigstoreKeys", "MoatTesting"], swiftSettings: strictSettings),
        .testTarget(name: "SigstoreTrustTests", dependencies: ["SigstoreTrust", "MoatTesting", .product(name: "X509", package: "swift-certificates"), .product(name: "Crypto", package: "swift-crypto"), .product(name: "SwiftASN1", package: "swift-asn1")], swiftSettings: strictSettings),
        .testTarget(name: "ImageSigningTests", dependencies: ["ImageSigning", "SigstoreKeys", "SigstoreTrust", "Registry", "MoatTesting", "OCIImage", "OCIModel", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: strictSettings),
        .testTarget(name: "ImagePolicyTests", dependencies: ["ImagePolicy", "MoatTesting", "OCIModel"], swiftSettings: strictSettings),
        .testTarget(name: "AdmissionTests", dependencies: ["Admission", "MoatTesting", "OCIModel"], swiftSettings: strictSettings),
        .testTarget(
            name: "AdmissionServiceTests",
            dependencies: [
                "AdmissionService", "ImagePolicy", "Admission", "MoatTesting", "OCIModel", "ScanServer",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings),
        .testTarget(name: "SBOMTests", dependencies: ["SBOM", "Inventory", "MoatTesting"], swiftSettings: strictSettings),
        .testTarget(name: "MoatEndToEndTests", dependencies: ["MoatTesting", "moat", "OCIModel"], swiftSettings: strictSettings),
    ]
)
