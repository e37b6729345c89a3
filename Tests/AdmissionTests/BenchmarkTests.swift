import Admission
import Foundation
import Testing

/// A micro-benchmark of one decision's wire work (decode a review, find its images, write a denial with a
/// warning). It only checks that the work is right and prints the rate; speed is not asserted (shared CI
/// machines vary). Run in release for meaningful numbers:
/// `swift test -c release --filter AdmissionTests.BenchmarkTests`.
@Suite struct BenchmarkTests {
    @Test func decisionsPerSecond() throws {
        let review = Data(Envelopes.podCreate.utf8)
        let iterations = 2_000
        var images = 0
        var bytes = 0
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for _ in 0..<iterations {
                let request = try AdmissionRequest(reviewJSON: review)
                guard let pod = try WorkloadImages.extract(from: request).podImages else { continue }
                images += pod.images.count
                let response = AdmissionResponse.deny(uid: request.uid, message: "image \(pod.images[0].image): not pinned by digest", warnings: ["uses a tag"])
                bytes += response.jsonBytes().count
            }
        }
        #expect(images == iterations * 3)
        #expect(bytes > iterations * 100)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("Admission benchmark: \(iterations) decisions on a \(review.count)-byte Pod review in \(elapsed), \(Int(Double(iterations) / max(seconds, 1e-9)))/s")
    }
}
