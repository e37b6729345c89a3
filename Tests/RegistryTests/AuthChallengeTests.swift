import Testing
@testable import Registry

@Suite struct AuthChallengeTests {
    @Test func bearerWithQuotedCommas() {
        let challenges = AuthChallenge.parse([#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push""#])
        #expect(challenges.count == 1)
        #expect(challenges.first?.scheme == "Bearer")
        #expect(challenges.first?.realm == "https://auth.docker.io/token")
        #expect(challenges.first?.service == "registry.docker.io")
        #expect(challenges.first?.scopes == ["repository:samalba/my-app:pull,push"])
    }

    @Test func basicAndSpaceSeparatedScopes() {
        let basic = AuthChallenge.parse([#"Basic realm="Registry Realm""#])
        #expect(basic.first?.scheme == "Basic")
        #expect(basic.first?.realm == "Registry Realm")
        let scoped = AuthChallenge.parse([#"Bearer realm="r",scope="repository:a:pull repository:b:pull""#])
        #expect(scoped.first?.scopes == ["repository:a:pull", "repository:b:pull"])
    }

    @Test func severalChallengesInOneHeaderAndEscapes() {
        let challenges = AuthChallenge.parse([#"Basic realm="a\"b", Bearer realm="https://t/token",service=reg"#])
        #expect(challenges.map(\.scheme) == ["Basic", "Bearer"])
        #expect(challenges.first?.realm == #"a"b"#)
        #expect(challenges.last?.service == "reg")
    }

    @Test func garbageGivesNoParameters() {
        let challenges = AuthChallenge.parse(["\u{1}\u{2} ===", ""])
        #expect(challenges.allSatisfy { $0.realm == nil })
    }
}

@Suite struct RetryPolicyTests {
    @Test func backoffDoublesAndIsCapped() {
        let policy = RetryPolicy(attempts: 5, initialDelay: 0.5, maximumDelay: 3)
        #expect(policy.backoff(after: 1) == 0.5)
        #expect(policy.backoff(after: 2) == 1)
        #expect(policy.backoff(after: 4) == 3)
    }

    @Test func retryAfterSecondsAndDates() {
        let policy = RetryPolicy(maximumDelay: 30)
        #expect(policy.delay(retryAfter: "2") == 2)
        #expect(policy.delay(retryAfter: "600") == 30)
        #expect(policy.delay(retryAfter: "soon") == nil)
        #expect(policy.delay(retryAfter: nil) == nil)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let delay = policy.delay(retryAfter: "Tue, 14 Nov 2023 22:13:30 GMT", now: now)
        #expect(delay == 10)
    }
}

import Foundation
