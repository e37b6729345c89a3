import ImageAnalysis
import MoatTesting
import OCIModel
import Testing

@Suite("ForbiddenToolsRule: shells, busybox, package managers, network tools, editors")
struct ForbiddenToolsRuleTests {
    /// Debian ≥ 12 layout: `/bin` is a symlink to `usr/bin`, `sh` a symlink to `dash`.
    @Test("a shell is found through usrmerge and reported once with every name", arguments: ["dash", "/bin/dash", "../../bin/dash", "/usr/bin/dash"])
    func shellThroughUsrmerge(shTarget: String) async throws {
        let image = singleLayerImage { tar in
            tar.directories("usr", "usr/bin")
            tar.symlink("bin", to: "usr/bin")
            tar.executable("usr/bin/dash")
            tar.symlink("usr/bin/sh", to: shTarget)
        }
        let report = try await analyze(image)
        let shells = report.findings(RuleCatalog.shell)
        #expect(shells.count == 1, "one finding per binary, not per name: \(shells.map(\.message))")
        let dash = try #require(shells.first)
        #expect(dash.path == "/usr/bin/dash")
        #expect(dash.details?["names"] == "dash, sh")
        #expect(dash.details?["reachableAs"] == "/usr/bin/dash /usr/bin/sh")
        #expect(dash.severity == .high)
        #expect(dash.layer == 0)
        #expect(dash.category == .forbiddenContent)
    }

    @Test("an editor reached through /etc/alternatives is reported at its real path")
    func alternativesChain() async throws {
        let image = singleLayerImage { tar in
            tar.directories("etc", "etc/alternatives", "usr", "usr/bin")
            tar.executable("usr/bin/vim.basic")
            tar.symlink("etc/alternatives/vi", to: "/usr/bin/vim.basic")
            tar.symlink("usr/bin/vi", to: "/etc/alternatives/vi")
        }
        let report = try await analyze(image)
        let editors = report.findings(RuleCatalog.editor)
        #expect(editors.count == 1)
        let vim = try #require(report.finding(RuleCatalog.editor, path: "/usr/bin/vim.basic"))
        #expect(vim.details?["names"] == "vi, vim.basic")
        #expect(vim.details?["reachableAs"] == "/usr/bin/vi /usr/bin/vim.basic")
        #expect(vim.severity == .medium)
    }

    @Test("a busybox applet farm (symlinks and hard links) is one MOAT-F002 finding listing the applets")
    func busyboxFarm() async throws {
        let image = singleLayerImage { tar in
            tar.directories("bin", "sbin", "usr", "usr/bin")
            tar.executable("bin/busybox")
            tar.symlink("bin/sh", to: "busybox")
            tar.symlink("bin/ash", to: "/bin/busybox")
            tar.symlink("bin/ls", to: "busybox")
            tar.symlink("usr/bin/wget", to: "/bin/busybox")
            tar.hardLink("bin/vi", to: "bin/busybox")
            tar.hardLink("sbin/nc", to: "bin/busybox")
        }
        let report = try await analyze(image)
        let multiCall = report.findings(RuleCatalog.multiCall)
        #expect(multiCall.count == 1)
        let busybox = try #require(multiCall.first)
        #expect(busybox.path == "/bin/busybox")
        #expect(busybox.severity == .high)
        #expect(busybox.message.contains("provides 6 commands"), "\(busybox.message)")
        for applet in ["ash", "sh", "wget", "nc", "vi"] {
            #expect(busybox.message.contains(applet), "applet \(applet) missing from: \(busybox.message)")
        }
        let reachable = (busybox.details?["reachableAs"] ?? "").split(separator: " ").map(String.init)
        #expect(Set(reachable) == ["/bin/busybox", "/bin/sh", "/bin/ash", "/bin/ls", "/usr/bin/wget", "/bin/vi", "/sbin/nc"])
        // The applets are not reported again under their own rules.
        for rule in [RuleCatalog.shell, RuleCatalog.networkTool, RuleCatalog.editor] {
            #expect(report.findings(rule).isEmpty, "\(rule.id) reported for a busybox applet")
        }
    }

    @Test("a dangling symlink named curl and a symlink loop are not tools")
    func danglingSymlinkIsNotATool() async throws {
        let image = singleLayerImage { tar in
            tar.directories("usr", "usr/bin")
            tar.symlink("usr/bin/curl", to: "/opt/curl/bin/curl")
            tar.symlink("usr/bin/wget", to: "wget2")
            tar.symlink("usr/bin/wget2", to: "wget")
        }
        let report = try await analyze(image)
        #expect(report.findings(RuleCatalog.networkTool).isEmpty)
        #expect(report.findings.allSatisfy { $0.category != .forbiddenContent }, "\(report.ruleIDs)")
    }

    @Test("a non-executable file named bash is not a shell")
    func nonExecutableIsNotATool() async throws {
        let image = singleLayerImage { tar in
            tar.directory("bin")
            tar.file("bin/bash", "#!/bin/sh\necho not really\n", mode: 0o644)
        }
        let report = try await analyze(image)
        #expect(report.findings(RuleCatalog.shell).isEmpty)
    }

    @Test("the shell a shell-form entrypoint runs stays high, explained; only interpreters are downgraded")
    func entrypointInterpreterIsInfo() async throws {
        let config = ContainerConfig(entrypoint: ["/bin/bash", "-c"], cmd: ["exec /app/server"])
        let image = singleLayerImage(config: config) { tar in
            tar.directories("usr", "usr/bin")
            tar.symlink("bin", to: "usr/bin")
            tar.executable("usr/bin/bash")
            tar.executable("usr/bin/dash")
        }
        let report = try await analyze(image)
        let bash = try #require(report.finding(RuleCatalog.shell, path: "/usr/bin/bash"))
        #expect(bash.severity == .high)
        #expect(bash.message.contains("shell-form command"))
        let dash = try #require(report.finding(RuleCatalog.shell, path: "/usr/bin/dash"))
        #expect(dash.severity == .high)
    }

    @Test("a bare Cmd name is looked up in /usr/bin for the entrypoint downgrade")
    func bareCommandName() async throws {
        let config = ContainerConfig(cmd: ["python3", "/app/main.py"])
        let image = singleLayerImage(config: config) { tar in
            tar.directories("usr", "usr/bin")
            tar.executable("usr/bin/python3.11")
            tar.symlink("usr/bin/python3", to: "python3.11")
            tar.executable("usr/bin/perl")
        }
        let report = try await analyze(image)
        let python = try #require(report.finding(RuleCatalog.interpreter, path: "/usr/bin/python3.11"))
        #expect(python.message.contains("entrypoint"))
        #expect(python.details?["names"] == "python, python3")
        let perl = try #require(report.finding(RuleCatalog.interpreter, path: "/usr/bin/perl"))
        #expect(!perl.message.contains("entrypoint"))
    }

    @Test("tools are attributed to the base or the application layer that added them")
    func originAttribution() async throws {
        var base = TarBuilder()
        base.directories("usr", "usr/bin")
        base.executable("usr/bin/dash")
        base.executable("usr/bin/apt-get")
        var app = TarBuilder()
        app.executable("usr/bin/curl")
        app.executable("usr/bin/x86_64-linux-gnu-gcc-12")
        var image = TestImage()
        image.addLayer(base, createdBy: rootfsCreatedBy)
        image.addLayer(app, createdBy: "RUN apt-get install -y curl gcc")
        let report = try await analyze(image)

        let dash = try #require(report.finding(RuleCatalog.shell, path: "/usr/bin/dash"))
        #expect(dash.origin == .base)
        #expect(dash.layer == 0)
        #expect(dash.layerDigest == report.layers[0].digest)
        let aptGet = try #require(report.finding(RuleCatalog.osPackageManager, path: "/usr/bin/apt-get"))
        #expect(aptGet.origin == .base)

        let curl = try #require(report.finding(RuleCatalog.networkTool, path: "/usr/bin/curl"))
        #expect(curl.origin == .application)
        #expect(curl.layer == 1)
        #expect(curl.layerDigest == report.layers[1].digest)
        #expect(curl.message.contains("layer 2 (RUN apt-get install -y curl gcc)"), "\(curl.message)")

        // A target-triplet, versioned compiler name is still the compiler.
        let gcc = try #require(report.finding(RuleCatalog.buildTool, path: "/usr/bin/x86_64-linux-gnu-gcc-12"))
        #expect(gcc.details?["names"] == "gcc")
        #expect(gcc.origin == .application)
    }

    @Test("files outside bin/sbin directories are not reported")
    func onlyCommandDirectories() async throws {
        let image = singleLayerImage { tar in
            tar.directories("usr", "usr/share", "usr/share/doc", "usr/share/doc/bash")
            tar.executable("usr/share/doc/bash/bash")
            tar.directories("opt", "opt/tools")
            tar.executable("opt/tools/curl")
        }
        let report = try await analyze(image)
        #expect(report.findings.allSatisfy { $0.category != .forbiddenContent }, "\(report.ruleIDs)")
    }
}

@Suite("ForbiddenToolsRule: explaining who needs a shell")
struct ShellNeedTests {
    @Test("a #!/bin/sh entrypoint script is named as what needs the shell, which stays high")
    func entrypointScript() async throws {
        let report = try await analyze(singleLayerImage(config: ContainerConfig(entrypoint: ["/docker-entrypoint.sh"])) { tar in
            tar.executable("bin/dash")
            tar.symlink("bin/sh", to: "dash")
            tar.file("docker-entrypoint.sh", "#!/bin/sh\nexec /app/server\n", mode: 0o755)
        })
        let shell = try #require(report.finding(RuleCatalog.shell, path: "/bin/dash"))
        #expect(shell.severity == .high)
        #expect(shell.message.contains("entrypoint script /docker-entrypoint.sh needs it"), "\(shell.message)")
    }

    @Test("a shell-form command is named as what needs the shell, and the shell is not downgraded")
    func shellForm() async throws {
        let report = try await analyze(singleLayerImage(config: ContainerConfig(cmd: ["/bin/sh", "-c", "exec /app/server"])) { tar in
            tar.executable("bin/dash")
            tar.symlink("bin/sh", to: "dash")
        })
        let shell = try #require(report.finding(RuleCatalog.shell, path: "/bin/dash"))
        #expect(shell.severity == .high)
        #expect(shell.message.contains("shell-form command"), "\(shell.message)")
    }
}
