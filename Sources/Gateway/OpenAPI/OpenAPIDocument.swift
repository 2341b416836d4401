import Shared

/// An OpenAPI 3.1 document as Roost implements one API, built from `OpenAPIOperation`s and
/// rendered once as JSON for `GET /openapi/{name}.json`.
///
/// Path parameters are derived from the `{name}` segments of each path; schemas named in
/// `schemas` are referenced with `OpenAPISchema.ref`. `OpenAPITests` checks that every route the
/// gateway registers is documented in exactly one document, and that real answers match.
struct OpenAPIDocument: Sendable {
    /// The file name under `/openapi/`, without `.json`.
    let name: String
    /// `info.title`.
    let title: String
    /// `info.description` (CommonMark).
    let description: String
    /// Security schemes by name (`components.securitySchemes`).
    var securitySchemes: [(String, JSON)] = []
    /// Schemes every operation needs unless it says otherwise; empty: none.
    var defaultSecurity: [String] = []
    /// Named schemas (`components.schemas`).
    var schemas: [(String, JSON)] = []
    /// The operations, in the order the document lists them.
    var operations: [OpenAPIOperation] = []

    /// The document as JSON.
    var json: JSON {
        var paths: [(String, [(String, JSON)])] = []
        for operation in operations {
            let entry = (operation.method.lowercased(), operation.json(defaultSecurity: defaultSecurity))
            if let index = paths.firstIndex(where: { $0.0 == operation.path }) {
                paths[index].1.append(entry)
            } else {
                paths.append((operation.path, [entry]))
            }
        }
        var components: [(String, JSON)] = [("schemas", .object(schemas))]
        if !securitySchemes.isEmpty { components.append(("securitySchemes", .object(securitySchemes))) }
        return [
            "openapi": "3.1.0",
            "info": ["title": .string(title), "version": .string(RoostVersion.string), "description": .string(description)],
            "paths": .object(paths.map { ($0.0, .object($0.1)) }),
            "components": .object(components),
        ]
    }
}

/// One operation: method, path, what it takes and what it answers.
struct OpenAPIOperation: Sendable {
    /// `GET`, `POST`, …
    let method: String
    /// The path as the router has it, e.g. `/v1/images/{id}`.
    let path: String
    /// One line.
    let summary: String
    /// Longer notes (CommonMark), if any.
    var notes: String? = nil
    /// Security scheme names, nil for the document's default; `[]` for none; `""` among them: anonymous allowed too.
    var security: [String]? = nil
    /// Query and header parameters (path parameters are added from the path).
    var parameters: [JSON] = []
    /// The request body, if any.
    var body: JSON? = nil
    /// Responses by status code (`"200"`, `"4XX"`, `"default"`).
    var responses: [(String, JSON)]

    /// Creates an operation.
    init(_ method: String, _ path: String, _ summary: String, notes: String? = nil, security: [String]? = nil,
         parameters: [JSON] = [], body: JSON? = nil, responses: [(String, JSON)]) {
        self.method = method
        self.path = path
        self.summary = summary
        self.notes = notes
        self.security = security
        self.parameters = parameters
        self.body = body
        self.responses = responses
    }

    /// The `{name}` segments of the path.
    var pathParameterNames: [String] {
        path.split(separator: "/").compactMap { part in
            guard part.hasPrefix("{"), part.hasSuffix("}") else { return nil }
            return String(part.dropFirst().dropLast())
        }
    }

    fileprivate func json(defaultSecurity: [String]) -> JSON {
        let pathParameters: [JSON] = pathParameterNames.map {
            ["name": .string($0), "in": "path", "required": true, "schema": OpenAPISchema.string]
        }
        var members: [(String, JSON)] = [("summary", .string(summary))]
        if let notes { members.append(("description", .string(notes))) }
        let operationID = method.lowercased() + path.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        members.append(("operationId", .string(operationID)))
        if !(pathParameters + parameters).isEmpty { members.append(("parameters", .array(pathParameters + parameters))) }
        if let body { members.append(("requestBody", body)) }
        members.append(("responses", .object(responses)))
        let schemes = security ?? defaultSecurity
        members.append(("security", .array(schemes.isEmpty ? [.object([])] : schemes.map { $0.isEmpty ? .object([]) : .object([($0, .array([]))]) })))
        return .object(members)
    }
}

/// Builders for the parts of a document: schemas, parameters, bodies, responses.
enum OpenAPISchema {
    /// A string.
    static let string: JSON = ["type": "string"]
    /// An integer.
    static let integer: JSON = ["type": "integer"]
    /// A number.
    static let number: JSON = ["type": "number"]
    /// A boolean.
    static let boolean: JSON = ["type": "boolean"]
    /// An RFC 3339 timestamp string.
    static let dateTime: JSON = ["type": "string", "format": "date-time"]
    /// Any JSON value.
    static let any: JSON = .object([])

    /// A reference to `components.schemas[name]`.
    static func ref(_ name: String) -> JSON { ["$ref": .string("#/components/schemas/" + name)] }

    /// `schema` or `null`.
    static func nullable(_ schema: JSON) -> JSON { ["anyOf": [schema, ["type": "null"]]] }

    /// An array of `items`.
    static func array(_ items: JSON) -> JSON { ["type": "array", "items": items] }

    /// One of the listed strings.
    static func oneOf(_ values: [String]) -> JSON { ["type": "string", "enum": .array(values.map { .string($0) })] }

    /// An object whose listed members are all required unless named in `optional`; others are allowed.
    static func object(_ members: [(String, JSON)], optional: Set<String> = []) -> JSON {
        let required = members.map(\.0).filter { !optional.contains($0) }
        var schema: [(String, JSON)] = [("type", "object"), ("properties", .object(members))]
        if !required.isEmpty { schema.append(("required", .array(required.map { .string($0) }))) }
        return .object(schema)
    }

    /// An object mapping any key to `values`.
    static func map(_ values: JSON) -> JSON { ["type": "object", "additionalProperties": values] }

    /// A query parameter.
    static func query(_ name: String, _ schema: JSON = string, _ description: String, required: Bool = false) -> JSON {
        ["name": .string(name), "in": "query", "required": .bool(required), "schema": schema, "description": .string(description)]
    }

    /// A header parameter.
    static func header(_ name: String, _ description: String, schema: JSON = string) -> JSON {
        ["name": .string(name), "in": "header", "required": false, "schema": schema, "description": .string(description)]
    }

    /// A JSON request body.
    static func jsonBody(_ schema: JSON, required: Bool = true) -> JSON {
        ["required": .bool(required), "content": ["application/json": ["schema": schema]]]
    }

    /// A `multipart/form-data` body with the listed parts (files are `format: binary`).
    static func multipart(_ parts: [(String, JSON)], optional: Set<String> = []) -> JSON {
        ["required": true, "content": ["multipart/form-data": ["schema": object(parts, optional: optional)]]]
    }

    /// A file part of a multipart body.
    static let file: JSON = ["type": "string", "format": "binary"]

    /// A JSON response.
    static func json(_ description: String, _ schema: JSON, headers: [(String, JSON)] = []) -> JSON {
        var members: [(String, JSON)] = [("description", .string(description)), ("content", ["application/json": ["schema": schema]])]
        if !headers.isEmpty { members.append(("headers", .object(headers))) }
        return .object(members)
    }

    /// A plain-text response.
    static func text(_ description: String) -> JSON {
        ["description": .string(description), "content": ["text/plain": ["schema": string]]]
    }

    /// A response whose body is bytes of one of `types`.
    static func bytes(_ description: String, types: [String]) -> JSON {
        ["description": .string(description), "content": .object(types.map { ($0, ["schema": file]) })]
    }

    /// A response without a body.
    static func empty(_ description: String) -> JSON { ["description": .string(description)] }

    /// A response header.
    static func responseHeader(_ description: String) -> JSON { ["description": .string(description), "schema": string] }
}
