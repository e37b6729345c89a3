public import Foundation

/// Decodes image metadata with a clear error naming what was being read.
public func decodeJSON<T: Decodable>(_ type: T.Type, from data: Data, what: String) throws(OCIModelError) -> T {
    do {
        return try JSONDecoder().decode(type, from: data)
    } catch let error as OCIModelError {
        throw error
    } catch let DecodingError.dataCorrupted(context) {
        throw OCIModelError.invalidJSON(what: what, reason: describe(context))
    } catch let DecodingError.keyNotFound(key, context) {
        throw OCIModelError.invalidJSON(what: what, reason: "missing field \"\(key.stringValue)\" at \(path(context))")
    } catch let DecodingError.typeMismatch(_, context) {
        throw OCIModelError.invalidJSON(what: what, reason: "wrong type at \(path(context)): \(context.debugDescription)")
    } catch let DecodingError.valueNotFound(_, context) {
        throw OCIModelError.invalidJSON(what: what, reason: "null value at \(path(context))")
    } catch {
        throw OCIModelError.invalidJSON(what: what, reason: "\(error)")
    }
}

private func path(_ context: DecodingError.Context) -> String {
    let text = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    return text.isEmpty ? "top level" : text
}

private func describe(_ context: DecodingError.Context) -> String {
    if let underlying = context.underlyingError as NSError? {
        return underlying.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
    }
    if let wrapped = context.underlyingError as? OCIModelError { return wrapped.description }
    return context.debugDescription + " at " + path(context)
}

/// Encodes a manifest, index or other image metadata the way moat writes it everywhere: keys sorted (so the same
/// value always gives the same bytes, hence the same digest) and slashes unescaped (media types stay readable).
public func encodeMetadataJSON<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(value)
}
