import Shared

/// The BirdWeather tables. The migration is listed in `JobStore.migrations`, so the gateway
/// database has one numbered history; `BirdWeatherStore` opens its own connection to the file.
extension BirdWeatherStore {
    /// Migration 5: species, users and their session tokens, stations, soundscapes, detections and photos.
    ///
    /// Tokens are stored as their SHA-256 only: user tokens are random per session, station tokens
    /// an HMAC of the station id under the gateway's key (so `authenticate` can list them again).
    /// Ids are AUTOINCREMENT, so a deleted record's id (and a detection cursor) never comes back.
    static let migration = Migration(version: 5, name: "create birdweather tables", sql: """
        CREATE TABLE bw_species (
            id INTEGER PRIMARY KEY NOT NULL,
            scientific_name TEXT NOT NULL,
            common_name TEXT NOT NULL,
            color TEXT NOT NULL
        );
        CREATE TABLE bw_users (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            email TEXT NOT NULL COLLATE NOCASE UNIQUE,
            password_hash TEXT NOT NULL,
            first_name TEXT,
            last_name TEXT,
            display_name TEXT NOT NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
        );
        CREATE TABLE bw_user_tokens (
            token_sha256 TEXT PRIMARY KEY NOT NULL,
            user_id INTEGER NOT NULL REFERENCES bw_users (id) ON DELETE CASCADE,
            created_at REAL NOT NULL
        );
        CREATE INDEX bw_user_tokens_user ON bw_user_tokens (user_id);
        CREATE TABLE bw_stations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id INTEGER REFERENCES bw_users (id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            type TEXT NOT NULL CHECK (type IN ('user','guest')),
            is_default INTEGER NOT NULL DEFAULT 0,
            token_sha256 TEXT UNIQUE,
            lat REAL,
            lon REAL,
            created_at REAL NOT NULL
        );
        CREATE INDEX bw_stations_user ON bw_stations (user_id);
        CREATE TABLE bw_soundscapes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            station_id INTEGER NOT NULL REFERENCES bw_stations (id) ON DELETE CASCADE,
            timestamp REAL NOT NULL,
            utc_offset INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            url_key TEXT NOT NULL UNIQUE,
            format TEXT NOT NULL CHECK (format IN ('wav','flac')),
            filesize INTEGER NOT NULL,
            duration REAL NOT NULL,
            channels INTEGER NOT NULL,
            created_at REAL NOT NULL
        );
        CREATE INDEX bw_soundscapes_station_time ON bw_soundscapes (station_id, timestamp, id);
        CREATE INDEX bw_soundscapes_sha ON bw_soundscapes (sha256);
        CREATE TABLE bw_detections (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            station_id INTEGER NOT NULL REFERENCES bw_stations (id) ON DELETE CASCADE,
            species_id INTEGER NOT NULL,
            timestamp REAL NOT NULL,
            utc_offset INTEGER NOT NULL,
            lat REAL,
            lon REAL,
            confidence REAL NOT NULL,
            probability REAL,
            score REAL NOT NULL,
            certainty TEXT NOT NULL,
            algorithm TEXT,
            metadata TEXT,
            soundscape_id INTEGER REFERENCES bw_soundscapes (id) ON DELETE SET NULL,
            soundscape_start REAL,
            soundscape_end REAL,
            listed INTEGER NOT NULL,
            created_at REAL NOT NULL
        );
        CREATE INDEX bw_detections_station_time ON bw_detections (station_id, timestamp, id);
        CREATE INDEX bw_detections_station_species ON bw_detections (station_id, species_id, timestamp);
        CREATE INDEX bw_detections_soundscape ON bw_detections (soundscape_id);
        CREATE TABLE bw_photos (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            station_id INTEGER NOT NULL REFERENCES bw_stations (id) ON DELETE CASCADE,
            job_id TEXT NOT NULL,
            timestamp REAL NOT NULL,
            utc_offset INTEGER NOT NULL,
            lat REAL,
            lon REAL,
            status TEXT NOT NULL CHECK (status IN ('processing','detected','no_bird','no_species','failed')),
            detection_id INTEGER REFERENCES bw_detections (id) ON DELETE SET NULL,
            label TEXT,
            probability REAL,
            message TEXT,
            created_at REAL NOT NULL
        );
        CREATE INDEX bw_photos_job ON bw_photos (job_id);
        CREATE INDEX bw_photos_station ON bw_photos (station_id);
        """)

    /// Detection columns in the order `BWDetection(statement:)` reads them (`d` detections, `s` soundscapes).
    static let detectionColumns = """
        d.id, d.station_id, d.species_id, d.timestamp, d.utc_offset, d.lat, d.lon, d.confidence, d.probability, d.score, \
        d.certainty, d.algorithm, d.metadata, s.url_key, s.format, d.soundscape_start, d.soundscape_end
        """
    /// The join that goes with `detectionColumns`.
    static let detectionFrom = "bw_detections d LEFT JOIN bw_soundscapes s ON s.id = d.soundscape_id"

    /// Soundscape columns in the order `BWSoundscape(statement:)` reads them.
    static let soundscapeColumns = "id, station_id, timestamp, utc_offset, sha256, url_key, format, filesize, duration, channels"

    /// Station columns in the order `BWStation(statement:)` reads them; the last is the newest listed detection.
    static let stationColumns = """
        st.id, st.user_id, st.name, st.type, st.is_default, st.lat, st.lon, \
        (SELECT d.timestamp || ' ' || d.utc_offset FROM bw_detections d WHERE d.station_id = st.id AND d.listed = 1
         ORDER BY d.timestamp DESC, d.id DESC LIMIT 1)
        """

    /// Photo columns in the order `BWPhoto(statement:)` reads them.
    static let photoColumns = "id, station_id, job_id, timestamp, utc_offset, lat, lon, status, detection_id, label, probability, message"
}

extension BWDetection {
    /// Reads a row selected with `BirdWeatherStore.detectionColumns`; `baseURL` prefixes soundscape URLs.
    init(statement s: SQLiteStatement, baseURL: String) {
        var soundscape: (String, Double?, Double?)?
        if let key = s.text(at: 13), let format = s.text(at: 14) {
            soundscape = ("\(baseURL)/api/v1/soundscapes/\(key).\(format)", s.optionalDouble(at: 15), s.optionalDouble(at: 16))
        }
        self.init(id: Int(s.int64(at: 0)), stationID: Int(s.int64(at: 1)), speciesID: Int(s.int64(at: 2)),
                  time: BirdWeatherTime(epoch: s.double(at: 3), offset: Int(s.int64(at: 4))), lat: s.optionalDouble(at: 5),
                  lon: s.optionalDouble(at: 6), confidence: s.double(at: 7), probability: s.optionalDouble(at: 8),
                  score: s.double(at: 9), certainty: s.text(at: 10) ?? "unlikely", algorithm: s.text(at: 11),
                  metadata: s.text(at: 12), soundscape: soundscape)
    }
}

extension BWSoundscape {
    /// Reads a row selected with `BirdWeatherStore.soundscapeColumns`.
    init(statement s: SQLiteStatement) {
        self.init(id: Int(s.int64(at: 0)), stationID: Int(s.int64(at: 1)),
                  time: BirdWeatherTime(epoch: s.double(at: 2), offset: Int(s.int64(at: 3))), sha256: s.text(at: 4) ?? "",
                  urlKey: s.text(at: 5) ?? "", format: AudioHeader.Format(rawValue: s.text(at: 6) ?? "") ?? .wav,
                  filesize: Int(s.int64(at: 7)), duration: s.double(at: 8), channels: Int(s.int64(at: 9)))
    }
}

extension BWStation {
    /// Reads a row selected with `BirdWeatherStore.stationColumns`.
    init(statement s: SQLiteStatement) {
        var latest: BirdWeatherTime?
        if let text = s.text(at: 7) {
            let parts = text.split(separator: " ")
            if parts.count == 2, let epoch = Double(parts[0]), let offset = Int(parts[1]) { latest = BirdWeatherTime(epoch: epoch, offset: offset) }
        }
        self.init(id: Int(s.int64(at: 0)), userID: s.optionalInt(at: 1), name: s.text(at: 2) ?? "", type: s.text(at: 3) ?? "user",
                  isDefault: s.int64(at: 4) != 0, lat: s.optionalDouble(at: 5), lon: s.optionalDouble(at: 6), latestDetectionAt: latest)
    }
}

extension BWPhoto {
    /// Reads a row selected with `BirdWeatherStore.photoColumns`.
    init(statement s: SQLiteStatement) {
        self.init(id: Int(s.int64(at: 0)), stationID: Int(s.int64(at: 1)), jobID: s.text(at: 2) ?? "",
                  time: BirdWeatherTime(epoch: s.double(at: 3), offset: Int(s.int64(at: 4))), lat: s.optionalDouble(at: 5),
                  lon: s.optionalDouble(at: 6), status: s.text(at: 7) ?? "processing", detectionID: s.optionalInt(at: 8),
                  label: s.text(at: 9), probability: s.optionalDouble(at: 10), message: s.text(at: 11))
    }
}
