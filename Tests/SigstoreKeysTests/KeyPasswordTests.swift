import Foundation
import Testing
@testable import SigstoreKeys

/// Where the key password comes from: the environment first, then a terminal, else a clear error.
@Suite struct KeyPasswordTests {
    /// A terminal that answers from a list and records the prompts.
    final class FakeTerminal: PasswordTerminal {
        let isInteractive: Bool
        private var answers: [String]
        private(set) var prompts: [String] = []

        init(interactive: Bool, answers: [String] = []) {
            self.isInteractive = interactive
            self.answers = answers
        }

        func readHidden(prompt: String) throws -> Data {
            prompts.append(prompt)
            guard !answers.isEmpty else { throw KeyError(.passwordUnavailable, "no more answers") }
            return Data(answers.removeFirst().utf8)
        }
    }

    @Test func moatPasswordWinsOverCosignPassword() throws {
        let terminal = FakeTerminal(interactive: true, answers: ["typed"])
        let environment = ["MOAT_PASSWORD": "moat", "COSIGN_PASSWORD": "cosign"]
        #expect(try KeyPassword.read(confirm: true, environment: environment, terminal: terminal) == Data("moat".utf8))
        #expect(try KeyPassword.read(confirm: false, environment: environment) == Data("moat".utf8))
        #expect(terminal.prompts.isEmpty)
    }

    @Test func cosignPasswordIsReadWhenMoatsIsAbsent() throws {
        let terminal = FakeTerminal(interactive: true, answers: ["typed"])
        #expect(try KeyPassword.read(confirm: true, environment: ["COSIGN_PASSWORD": "cosign"], terminal: terminal) == Data("cosign".utf8))
        #expect(terminal.prompts.isEmpty)
    }

    /// An empty variable is an empty password, not a missing one (and an empty MOAT_PASSWORD still wins).
    @Test func emptyValuesAreEmptyPasswords() throws {
        let terminal = FakeTerminal(interactive: true, answers: ["typed"])
        #expect(try KeyPassword.read(confirm: false, environment: ["MOAT_PASSWORD": "", "COSIGN_PASSWORD": "cosign"], terminal: terminal) == Data())
        #expect(try KeyPassword.read(confirm: false, environment: ["COSIGN_PASSWORD": ""], terminal: terminal) == Data())
        #expect(terminal.prompts.isEmpty)
    }

    @Test func withoutAVariableOrATerminalTheErrorSaysWhatToSet() {
        let terminal = FakeTerminal(interactive: false, answers: ["never"])
        let error = keyError { _ = try KeyPassword.read(confirm: false, environment: ["HOME": "/root"], terminal: terminal) }
        #expect(error?.code == .passwordUnavailable)
        #expect(error?.message.contains("MOAT_PASSWORD") == true)
        #expect(error?.message.contains("COSIGN_PASSWORD") == true)
        #expect(terminal.prompts.isEmpty)
    }

    @Test func aTerminalIsAskedOnceOrTwiceWithConfirmation() throws {
        let once = FakeTerminal(interactive: true, answers: ["secret"])
        #expect(try KeyPassword.read(confirm: false, environment: [:], terminal: once) == Data("secret".utf8))
        #expect(once.prompts.count == 1)
        let twice = FakeTerminal(interactive: true, answers: ["secret", "secret"])
        #expect(try KeyPassword.read(confirm: true, environment: [:], terminal: twice) == Data("secret".utf8))
        #expect(twice.prompts.count == 2)
        #expect(twice.prompts[1].contains("again"))
        let empty = FakeTerminal(interactive: true, answers: ["", ""])
        #expect(try KeyPassword.read(confirm: true, environment: [:], terminal: empty) == Data())
    }

    @Test func mismatchedConfirmationIsAnError() {
        let terminal = FakeTerminal(interactive: true, answers: ["secret", "secreT"])
        let error = keyError { _ = try KeyPassword.read(confirm: true, environment: [:], terminal: terminal) }
        #expect(error?.code == .passwordMismatch)
        #expect(error?.message.contains("secret") == false, "the message never repeats a password")
    }
}
