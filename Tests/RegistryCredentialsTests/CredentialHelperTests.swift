import Foundation
import Testing
@testable import RegistryCredentials

/// Real helper processes: a `docker-credential-moattest` shell script in a temporary directory, found through an
/// explicit search path (the process environment is never changed, so these tests can run in parallel).
struct CredentialHelperTests {
    @Test func getReturnsBasicCredential() throws {
        let (runner, _) = try Fixture.storeHelper(server: "ghcr.io", username: "alice", secret: "s3cret")
        #expect(try runner.get(helper: "moattest", serverURL: "ghcr.io") == .basic(username: "alice", password: "s3cret"))
    }

    @Test func notFoundIsNil() throws {
        let (runner, _) = try Fixture.storeHelper(server: "ghcr.io", username: "alice", secret: "s3cret")
        #expect(try runner.get(helper: "moattest", serverURL: "quay.io") == nil)
    }

    @Test func tokenUserMeansIdentityToken() throws {
        let (runner, _) = try Fixture.storeHelper(server: "https://index.docker.io/v1/", username: "<token>", secret: "refresh")
        #expect(try runner.get(helper: "moattest", serverURL: "https://index.docker.io/v1/") == .identityToken("refresh"))
    }

    @Test func dockerConfigPassesDockerHubServerURLOnStdin() throws {
        // The helper echoes what it read as the user name.
        let (runner, _) = try Fixture.helper(body: #"read -r url; printf '{"ServerURL":"%s","Username":"%s","Secret":"x"}' "$url" "$url""#)
        let config = try DockerConfig(bytes: Array(#"{"credsStore":"moattest"}"#.utf8), path: "c.json", helperRunner: runner)
        #expect(try config.credential(forRegistry: "docker.io")?.username == "https://index.docker.io/v1/")
        #expect(try config.credential(forRegistry: "registry-1.docker.io")?.username == "https://index.docker.io/v1/")
        #expect(try config.credential(forRegistry: "ghcr.io")?.username == "ghcr.io")
        #expect(try config.credential(forRegistry: "127.0.0.1:5000")?.username == "127.0.0.1:5000")
    }

    @Test func credHelpersEntryUsesItsHelper() throws {
        let (runner, _) = try Fixture.storeHelper(server: "gcr.io", username: "oauth2accesstoken", secret: "ya29")
        let config = try DockerConfig(bytes: Array(#"{"credHelpers":{"gcr.io":"moattest"},"auths":{"ghcr.io":{"auth":"\#(Fixture.base64("a:b"))"}}}"#.utf8),
                                      path: "c.json", helperRunner: runner)
        #expect(try config.credential(forRegistry: "gcr.io") == .basic(username: "oauth2accesstoken", password: "ya29"))
        #expect(try config.credential(forRegistry: "ghcr.io") == .basic(username: "a", password: "b"))
    }

    @Test func failureNamesHelperButNotOutput() throws {
        let (runner, _) = try Fixture.helper(body: "echo 'leaked-secret-value'; echo 'also-secret' >&2; exit 3")
        let error = try #require(throws: CredentialError.self) { try runner.get(helper: "moattest", serverURL: "ghcr.io") }
        #expect(error.code == .helperFailed)
        #expect(error.message.contains("docker-credential-moattest"))
        #expect(error.message.contains("exit status 3"))
        #expect(!error.message.contains("secret-value") && !error.message.contains("also-secret"))
    }

    @Test func invalidOutputIsReportedWithoutContent() throws {
        let (runner, _) = try Fixture.helper(body: "echo '{\"Username\":\"u\",\"Secret\":\"topsecret\"'")
        let error = try #require(throws: CredentialError.self) { try runner.get(helper: "moattest", serverURL: "ghcr.io") }
        #expect(error.code == .helperOutputInvalid)
        #expect(!error.message.contains("topsecret"))
        let (wrongType, _) = try Fixture.helper(body: "echo '{\"Username\":\"u\",\"Secret\":7}'")
        #expect(throws: CredentialError(.helperOutputInvalid, "")) { try wrongType.get(helper: "moattest", serverURL: "ghcr.io") }
    }

    @Test func emptySecretMeansNoCredential() throws {
        let (runner, _) = try Fixture.helper(body: #"printf '{"ServerURL":"","Username":"","Secret":""}'"#)
        #expect(try runner.get(helper: "moattest", serverURL: "ghcr.io") == nil)
    }

    @Test func hangingHelperTimesOut() throws {
        let (runner, _) = try Fixture.helper(body: "sleep 30", timeout: .milliseconds(300))
        let clock = ContinuousClock()
        var thrown: CredentialError?
        let elapsed = clock.measure {
            do { _ = try runner.get(helper: "moattest", serverURL: "ghcr.io") } catch let error as CredentialError { thrown = error } catch {}
        }
        #expect(thrown?.code == .helperTimedOut)
        #expect(elapsed < .seconds(10))
    }

    @Test func helperStartsWithNoSignalBlocked() throws {
        // Tests, like `moat serve`, call helpers from the concurrency pool, whose threads block nearly every signal.
        let (runner, _) = try Fixture.helper(body: #"printf '{"Username":"u","Secret":"%s"}' "$(awk '/^SigBlk/ {print $2}' /proc/$$/status)""#)
        #expect(try runner.get(helper: "moattest", serverURL: "ghcr.io") == .basic(username: "u", password: "0000000000000000"))
    }

    @Test func helperThatIgnoresStdinAndExitsStillWorks() throws {
        let (runner, _) = try Fixture.helper(body: #"printf '{"Username":"u","Secret":"p"}'"#)
        #expect(try runner.get(helper: "moattest", serverURL: String(repeating: "h", count: 10_000)) == .basic(username: "u", password: "p"))
    }

    @Test func helperNamesCannotEscapeTheSearchPath() throws {
        let runner = CredentialHelperRunner(searchPath: "/usr/bin:/bin")
        for name in ["../../bin/sh", "a/b", "", ".hidden", "x y"] {
            #expect(throws: CredentialError(.invalidHelperName, "")) { try runner.get(helper: name, serverURL: "ghcr.io") }
        }
        #expect(runner.executable(forHelper: "../x") == nil)
    }

    @Test func oversizedOutputIsRefused() throws {
        let (base, directory) = try Fixture.helper(body: "head -c 5000 /dev/zero | tr '\\0' 'a'")
        var runner = base
        runner.limits.maxHelperOutputBytes = 1000
        #expect(!directory.isEmpty)
        #expect(throws: CredentialError(.helperOutputInvalid, "")) { try runner.get(helper: "moattest", serverURL: "ghcr.io") }
    }

    @Test func listGivesServersAndUsers() throws {
        let (runner, _) = try Fixture.storeHelper(server: "ghcr.io", username: "alice", secret: "s3cret")
        let listed = try runner.list(helper: "moattest")
        #expect(listed.map(\.serverURL) == ["ghcr.io"])
        #expect(listed.map(\.username) == ["alice"])
    }

    @Test func helperSeesOnlyTheGivenSearchPath() throws {
        let (runner, directory) = try Fixture.helper(body: #"printf '{"Username":"%s","Secret":"p"}' "$PATH""#)
        #expect(try runner.get(helper: "moattest", serverURL: "x")?.username == directory + ":/usr/bin:/bin")
    }
}
