import Foundation
import Shared

/// A BirdWeather user account.
struct BWUser: Sendable, Equatable {
    /// Row id.
    var id: Int
    /// Sign-in email (unique, case-insensitive).
    var email: String
    /// Optional names, and the public one.
    var firstName: String?, lastName: String?, displayName: String
}

/// A station: the thing that records and posts detections.
struct BWStation: Sendable, Equatable {
    /// Row id (`stationId` / `station_id` in documents).
    var id: Int
    /// Owner, nil for a guest station not yet claimed.
    var userID: Int?
    /// Display name.
    var name: String
    /// `user` or `guest`.
    var type: String
    /// Whether the user token stands for this station.
    var isDefault: Bool
    /// Where it is, when known.
    var lat: Double?, lon: Double?
    /// The newest detection's time, when there is one.
    var latestDetectionAt: BirdWeatherTime?

    /// The station document, with its token.
    func json(token: String) -> JSON {
        ["id": .int(id), "name": .string(name), "type": .string(type), "authToken": .string(token),
         "latestDetectionAt": latestDetectionAt?.json ?? .null]
    }
}

/// A stored detection.
struct BWDetection: Sendable, Equatable {
    var id: Int
    var stationID: Int
    var speciesID: Int
    var time: BirdWeatherTime
    var lat: Double?, lon: Double?
    var confidence: Double
    var probability: Double?
    var score: Double
    var certainty: String
    var algorithm: String?
    var metadata: String?
    var soundscape: (url: String, start: Double?, end: Double?)?

    static func == (a: BWDetection, b: BWDetection) -> Bool { a.id == b.id && a.score == b.score }

    /// The detection document (snake_case, as the seed shows it).
    func json(species: Species?) -> JSON {
        let soundscapeJSON: JSON = soundscape.map { s in
            ["url": .string(s.url), "start_time": s.start.map { .double($0) } ?? .null, "end_time": s.end.map { .double($0) } ?? .null]
        } ?? .null
        return ["id": .int(id), "station_id": .int(stationID), "timestamp": time.json, "species": species?.detectionJSON ?? .null,
                "lat": lat.map { .double($0) } ?? .null, "lon": lon.map { .double($0) } ?? .null,
                "confidence": .double(confidence), "probability": probability.map { .double($0) } ?? .null,
                "score": .double(score), "certainty": .string(certainty), "algorithm": algorithm.map { .string($0) } ?? .null,
                "metadata": metadata.flatMap { try? JSON.parse($0) } ?? .null, "soundscape": soundscapeJSON]
    }
}

/// A stored soundscape (the audio's bytes live content-addressed under `<data>/soundscapes/`).
struct BWSoundscape: Sendable, Equatable {
    var id: Int
    var stationID: Int
    var time: BirdWeatherTime
    var sha256: String
    /// The random name in its URL (`/api/v1/soundscapes/<key>.<extension>`).
    var urlKey: String
    var format: AudioHeader.Format
    var filesize: Int
    var duration: Double
    var channels: Int

    /// The path Roost serves it at.
    var path: String { "/api/v1/soundscapes/\(urlKey).\(format.rawValue)" }

    /// The soundscape document; `mode` is Roost's: the channel layout (`mono`, `stereo`, `N channels`).
    func json(baseURL: String) -> JSON {
        ["id": .int(id), "stationId": .int(stationID), "timestamp": time.json, "url": .string(baseURL + path),
         "filesize": .int(filesize), "extension": .string(format.rawValue), "duration": .double((duration * 1000).rounded() / 1000),
         "mode": .string(channels == 1 ? "mono" : channels == 2 ? "stereo" : "\(channels) channels")]
    }
}

/// A photo a station sent for classification, and what became of it.
struct BWPhoto: Sendable, Equatable {
    var id: Int
    var stationID: Int
    var jobID: String
    var time: BirdWeatherTime
    var lat: Double?, lon: Double?
    /// `processing`, `detected`, `no_bird`, `no_species` or `failed`.
    var status: String
    var detectionID: Int?
    /// What the classifier saw (an ImageNet class, or dog / cat / person), with its probability.
    var label: String?, probability: Double?
    /// Why there is no detection, in words.
    var message: String?
}
