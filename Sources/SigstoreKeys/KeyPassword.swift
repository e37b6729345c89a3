import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The password for key files, found the way cosign finds it, with moat's own variable first.
public enum KeyPassword {
    /// The variable moat reads first.
    public static let moatVariable = "MOAT_PASSWORD"
    /// cosign's variable, read when `MOAT_PASSWORD` is not set.
    public static let cosignVariable = "COSIGN_PASSWORD"
    /// Longest password read from a terminal.
    static let maxTypedBytes = 64 << 10

    /// The password: `MOAT_PASSWORD`, else `COSIGN_PASSWORD` (an empty value is an empty password); else, when
    /// standard input is a terminal, typed at a prompt on standard error with echo off (twice when `confirm`);
    /// else an error telling the user to set one.
    /// - Parameters:
    ///   - confirm: Ask twice and require the same answer (for a new key).
    ///   - environment: Where the variables are looked up.
    /// - Throws: `KeyError.passwordUnavailable` when no variable is set and standard input is not a terminal,
    ///   `KeyError.passwordMismatch` when the two typed passwords differ.
    public static func read(confirm: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Data {
        try read(confirm: confirm, environment: environment, terminal: StandardInputTerminal())
    }

    /// `read(confirm:environment:)` with the terminal as a parameter, for tests.
    static func read(confirm: Bool, environment: [String: String], terminal: some PasswordTerminal) throws -> Data {
        if let password = environment[moatVariable] ?? environment[cosignVariable] {
            return Data(password.utf8)
        }
        guard terminal.isInteractive else {
            throw KeyError(.passwordUnavailable, "no password for the key file: set \(moatVariable) (or \(cosignVariable)); an empty value means an empty password. Or run moat in a terminal to be asked for it")
        }
        let password = try terminal.readHidden(prompt: "Enter password for private key: ")
        if confirm {
            let again = try terminal.readHidden(prompt: "Enter password for private key again: ")
            guard again == password else {
                throw KeyError(.passwordMismatch, "the two passwords typed differ; run the command again and type the same password twice")
            }
        }
        return password
    }
}

/// Where a password is typed.
protocol PasswordTerminal {
    /// Whether a person can be asked (standard input is a terminal).
    var isInteractive: Bool { get }
    /// Shows `prompt` and reads one line without echoing it; the line end is not included.
    func readHidden(prompt: String) throws -> Data
}

/// Standard input when it is a TTY; the prompt goes to standard error so standard output stays clean.
struct StandardInputTerminal: PasswordTerminal {
    var isInteractive: Bool { isatty(STDIN_FILENO) == 1 }

    func readHidden(prompt: String) throws -> Data {
        FileHandle.standardError.write(Data(prompt.utf8))
        var original = termios()
        guard tcgetattr(STDIN_FILENO, &original) == 0 else {
            throw KeyError(.passwordUnavailable, "cannot read the terminal settings (errno \(errno)); set \(KeyPassword.moatVariable) instead")
        }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        guard tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent) == 0 else {
            throw KeyError(.passwordUnavailable, "cannot turn off terminal echo (errno \(errno)); set \(KeyPassword.moatVariable) instead")
        }
        defer {
            _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(STDIN_FILENO, &byte, 1)
            if count < 0 {
                if errno == EINTR { continue }
                throw KeyError(.passwordUnavailable, "cannot read the password from the terminal (errno \(errno)); set \(KeyPassword.moatVariable) instead")
            }
            if count == 0 || byte == UInt8(ascii: "\n") { break }
            line.append(byte)
            guard line.count <= KeyPassword.maxTypedBytes else {
                throw KeyError(.passwordUnavailable, "the typed password is longer than \(KeyPassword.maxTypedBytes) bytes; set \(KeyPassword.moatVariable) instead")
            }
        }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return Data(line)
    }
}
