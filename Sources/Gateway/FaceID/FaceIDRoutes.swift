import Shared

/// The face-identifier API of an access-control intercom panel, at its native paths under `/api/v1`.
///
/// | Route | Rights |
/// |---|---|
/// | `GET /api/v1/login?username=&password=<md5 hex>` | none |
/// | `POST /api/v1/access/identifier/item` | admin |
/// | `GET /api/v1/access/identifier/item/{uid}` | any account |
/// | `PATCH`, `DELETE /api/v1/access/identifier/item/{uid}` | admin |
/// | `POST /api/v1/access/identifier/item/face/file/{uid}` (multipart `file`) | admin |
/// | `POST /api/v1/access/identifier/face/search` (multipart `file`) | any account |
///
/// Errors are `{"error": "..."}` with the panel's texts (`FaceIDError`); 401 and 403 come before
/// any other check.
struct FaceIDRoutes: Sendable {
    /// Largest identifier JSON body accepted.
    static let identifierBodyLimit = 64 << 10

    /// Identifiers, accounts, tokens and faces.
    let store: FaceIDStore
    /// Log-in and token checks.
    let auth: PanelAuth
    /// Runs photos through the worker's `faces` job.
    let analysis: FaceAnalysis
    /// Identifiers with an upload in progress.
    let uploads: UploadGuard
    /// Timeouts, threshold, accepted photo sizes.
    let settings: FaceIDSettings
    /// Body limit of the photo routes (`ROOST_MAX_UPLOAD_BYTES`).
    let maxUploadBytes: Int
    /// Pixel limit checked in the JPEG header (`ROOST_MAX_IMAGE_PIXELS`).
    let maxImagePixels: Int

    /// Builds the routes; syncs the configured panel accounts into `store`.
    /// - Parameters:
    ///   - store: identifiers, accounts and faces.
    ///   - jobs: where `faces` jobs are queued.
    ///   - configuration: the gateway settings (`faceID`, upload and pixel limits).
    ///   - log: for failures that clients only see as `Loading file error`.
    init(store: FaceIDStore, jobs: JobService, configuration: GatewayConfiguration, log: Log) throws {
        self.store = store
        settings = configuration.faceID
        auth = try PanelAuth(store: store, settings: settings)
        analysis = FaceAnalysis(jobs: jobs, timeout: settings.uploadTimeout, log: log)
        uploads = UploadGuard()
        maxUploadBytes = configuration.maxUploadBytes
        maxImagePixels = configuration.maxImagePixels
    }

    /// Adds the routes to `router`.
    func register(on router: Router) {
        let item = "/api/v1/access/identifier/item"
        router.add("GET", "/api/v1/login", name: "/api/v1/login", FaceIDError.guarded { request in
            .json(200, try auth.logIn(username: request.queryValue("username"), passwordMD5: request.queryValue("password"),
                                     from: RequestIdentity.host(ofRemoteAddress: request.remoteAddress)))
        })
        router.add("POST", item, name: item, bodyLimit: Self.identifierBodyLimit, FaceIDError.guarded { try create($0) })
        router.add("GET", item + "/{uid}", name: item + "/{uid}", FaceIDError.guarded { try read($0) })
        router.add("PATCH", item + "/{uid}", name: item + "/{uid}", bodyLimit: Self.identifierBodyLimit,
                   FaceIDError.guarded { try update($0) })
        router.add("DELETE", item + "/{uid}", name: item + "/{uid}", FaceIDError.guarded { try delete($0) })
        router.add("POST", item + "/face/file/{uid}", name: item + "/face/file/{uid}", bodyLimit: maxUploadBytes,
                   FaceIDError.guarded { try enrol($0) })
        router.add("POST", "/api/v1/access/identifier/face/search", name: "/api/v1/access/identifier/face/search",
                   bodyLimit: maxUploadBytes, FaceIDError.guarded { try search($0) })
    }

    /// The `{uid}` path segment as an identifier uid: decimal digits only, at least 1.
    static func uid(_ request: HTTPRequest) -> Int? {
        guard let text = request.pathParameters["uid"], !text.isEmpty, text.count <= 18,
              text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let uid = Int(text), uid >= 1 else { return nil }
        return uid
    }
}
