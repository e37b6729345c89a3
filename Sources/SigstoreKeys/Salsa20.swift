/// The Salsa20 core, HSalsa20 and the XSalsa20 key stream (D. J. Bernstein), as NaCl's `crypto_secretbox` uses them.
///
/// Only what secretbox needs: a key stream starting at block 0. Word and byte order follow the Salsa20
/// specification (little-endian words); the state layout is
///
/// ```
///  σ0  k0  k1  k2
///  k3  σ1  n0  n1        n = nonce (Salsa20) or the 16-byte input (HSalsa20, n0…n3 = words 6…9)
///  c0  c1  σ2  k4        c = 64-bit block counter (Salsa20 only)
///  k5  k6  k7  σ3
/// ```
enum Salsa20 {
    /// "expand 32-byte k" as four little-endian words.
    private static let sigma: [UInt32] = [0x6170_7865, 0x3320_646E, 0x7962_2D32, 0x6B20_6574]

    /// HSalsa20: derives XSalsa20's 32-byte sub-key from `key` (32 bytes) and the first 16 bytes of its nonce.
    static func hsalsa20(key: [UInt8], input: [UInt8]) -> [UInt8] {
        precondition(key.count == 32 && input.count == 16, "HSalsa20 takes a 32-byte key and a 16-byte input")
        let k = words(key)
        let n = words(input)
        var x: [UInt32] = [
            sigma[0], k[0], k[1], k[2],
            k[3], sigma[1], n[0], n[1],
            n[2], n[3], sigma[2], k[4],
            k[5], k[6], k[7], sigma[3],
        ]
        doubleRounds(&x)
        return bytes([x[0], x[5], x[10], x[15], x[6], x[7], x[8], x[9]])
    }

    /// `count` bytes of the XSalsa20 key stream for `key` (32 bytes) and `nonce` (24 bytes), from block 0.
    static func xsalsa20Stream(count: Int, nonce: [UInt8], key: [UInt8]) -> [UInt8] {
        precondition(key.count == 32 && nonce.count == 24, "XSalsa20 takes a 32-byte key and a 24-byte nonce")
        let subkey = hsalsa20(key: key, input: Array(nonce[0..<16]))
        return salsa20Stream(count: count, nonce: Array(nonce[16..<24]), key: subkey)
    }

    /// `count` bytes of the Salsa20/20 key stream for `key` (32 bytes) and `nonce` (8 bytes), from block 0.
    static func salsa20Stream(count: Int, nonce: [UInt8], key: [UInt8]) -> [UInt8] {
        let k = words(key)
        let n = words(nonce)
        var output: [UInt8] = []
        output.reserveCapacity(count + 64)
        var counter: UInt64 = 0
        while output.count < count {
            let input: [UInt32] = [
                sigma[0], k[0], k[1], k[2],
                k[3], sigma[1], n[0], n[1],
                UInt32(truncatingIfNeeded: counter), UInt32(truncatingIfNeeded: counter >> 32), sigma[2], k[4],
                k[5], k[6], k[7], sigma[3],
            ]
            var x = input
            doubleRounds(&x)
            for index in 0..<16 {
                let word = x[index] &+ input[index]
                output.append(UInt8(truncatingIfNeeded: word))
                output.append(UInt8(truncatingIfNeeded: word >> 8))
                output.append(UInt8(truncatingIfNeeded: word >> 16))
                output.append(UInt8(truncatingIfNeeded: word >> 24))
            }
            counter &+= 1
        }
        output.removeLast(output.count - count)
        return output
    }

    /// The 20 rounds: ten column rounds, each followed by a row round.
    private static func doubleRounds(_ x: inout [UInt32]) {
        for _ in 0..<10 {
            quarterRound(&x, 0, 4, 8, 12)
            quarterRound(&x, 5, 9, 13, 1)
            quarterRound(&x, 10, 14, 2, 6)
            quarterRound(&x, 15, 3, 7, 11)
            quarterRound(&x, 0, 1, 2, 3)
            quarterRound(&x, 5, 6, 7, 4)
            quarterRound(&x, 10, 11, 8, 9)
            quarterRound(&x, 15, 12, 13, 14)
        }
    }

    private static func quarterRound(_ x: inout [UInt32], _ a: Int, _ b: Int, _ c: Int, _ d: Int) {
        x[b] ^= rotateLeft(x[a] &+ x[d], 7)
        x[c] ^= rotateLeft(x[b] &+ x[a], 9)
        x[d] ^= rotateLeft(x[c] &+ x[b], 13)
        x[a] ^= rotateLeft(x[d] &+ x[c], 18)
    }

    private static func rotateLeft(_ value: UInt32, _ count: UInt32) -> UInt32 {
        value << count | value >> (32 - count)
    }

    /// Little-endian words of `bytes` (whose count is a multiple of 4).
    static func words(_ bytes: [UInt8]) -> [UInt32] {
        stride(from: 0, to: bytes.count, by: 4).map { index in
            UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24
        }
    }

    private static func bytes(_ words: [UInt32]) -> [UInt8] {
        words.flatMap { word in
            [UInt8(truncatingIfNeeded: word), UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 24)]
        }
    }
}
