import SwiftASN1
import X509

/// The extended-key-usage rule of Go's `x509.Verify` with `KeyUsages: [CodeSigning]`, which cosign applies: the leaf
/// must list code signing, and every CA in the chain that has an EKU extension must list code signing or
/// any-purpose. It also declares the critical extensions moat checks itself (SAN for the identity, EKU here).
struct CodeSigningPolicy: VerifierPolicy, Sendable {
    /// How every failure reason of this policy starts, so a failure can be told apart from RFC 5280 ones.
    static let failurePrefix = "code signing: "

    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [
        .X509ExtensionID.subjectAlternativeName, .X509ExtensionID.extendedKeyUsage,
    ]

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
        guard let leaf = chain.first else { return .meetsPolicy }
        if (try? Self.checkLeaf(leaf)) == nil {
            return .failsToMeetPolicy(reason: "\(Self.failurePrefix)the signing certificate lacks the code-signing usage")
        }
        for authority in chain.dropFirst() {
            let usages: ExtendedKeyUsage?
            do {
                usages = try authority.extensions.extendedKeyUsage
            } catch {
                return .failsToMeetPolicy(
                    reason: "\(Self.failurePrefix)the CA \(authority.subject) has a malformed extended key usage"
                )
            }
            if let usages, !usages.contains(.codeSigning), !usages.contains(.any) {
                return .failsToMeetPolicy(
                    reason: "\(Self.failurePrefix)the CA \(authority.subject) may not issue code-signing certificates "
                        + "(its extended key usage is \(usages))"
                )
            }
        }
        return .meetsPolicy
    }

    /// Throws unless the leaf's extended key usage lists code signing (an absent extension does not count).
    static func checkLeaf(_ leaf: Certificate) throws {
        let usages: ExtendedKeyUsage?
        do {
            usages = try leaf.extensions.extendedKeyUsage
        } catch {
            throw TrustError(.malformedCertificate, "the signing certificate's extended key usage is malformed: \(error)")
        }
        guard let usages, usages.contains(.codeSigning) else {
            throw TrustError(
                .notCodeSigning,
                "the signing certificate's extended key usage does not include code signing "
                    + "(\(usages.map { "\($0)" } ?? "no extended key usage extension")); it was not issued for signing"
            )
        }
    }
}
