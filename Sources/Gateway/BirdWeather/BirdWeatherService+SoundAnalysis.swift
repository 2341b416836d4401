import Foundation
import Shared

/// Soundscapes into detections: each uploaded soundscape is analysed by BirdNET in the workers
/// (`audio` jobs on the batch lane), split into parts of `ROOST_AUDIO_PART_SECONDS` so that several
/// workers share a long one. A part's detections are stored when its job ends, in the same
/// transaction that marks the part done, so a retried or re-delivered job never stores them twice.
extension BirdWeatherService {
    /// The owner of a station's soundscape jobs.
    static func soundscapeOwner(stationID: Int) -> String { ownerPrefix + "station:\(stationID):sound" }

    /// Queues the analysis of `soundscape` (whose bytes are `audio`); nothing when analysis is off.
    func analyse(_ soundscape: BWSoundscape, audio: AudioUpload) throws {
        guard settings.analyseSoundscapes else { return }
        let station = try store.station(id: soundscape.stationID)
        let located = settings.speciesFilter ? station.flatMap { s in s.lat.flatMap { lat in s.lon.map { (lat, $0) } } } : nil
        let step = AudioParams.chunkSeconds - settings.overlap
        // Parts start on chunk boundaries, so the parts' chunks are exactly the whole file's chunks.
        let partLength = max(1, (settings.partSeconds / step).rounded(.down)) * step
        let count = max(1, Int((soundscape.duration / partLength).rounded(.up)))
        var parts: [BWSoundscapePart] = []
        for index in 0..<count {
            let start = Double(index) * partLength
            let end = index == count - 1 ? nil : start + partLength
            let params = AudioParams(start: start, end: end, overlap: settings.overlap, minConfidence: settings.minConfidence, top: 5,
                                     latitude: located?.0, longitude: located?.1, week: located == nil ? nil : Self.week(of: soundscape.time))
            // One idempotency key per part: a repeated call for the same soundscape queues nothing new.
            let (record, _) = try jobs.submit(kind: JobKind.audio.rawValue, lane: .batch, image: audio, params: params.json,
                                              owner: Self.soundscapeOwner(stationID: soundscape.stationID),
                                              idempotencyKey: "soundscape-\(soundscape.id)-part-\(index)")
            parts.append(BWSoundscapePart(soundscapeID: soundscape.id, part: index, jobID: record.id, start: start,
                                          end: end ?? soundscape.duration, status: "processing", message: nil))
        }
        try store.insertParts(parts)
        // Parts answered at once (the result cache) end here; the others when the ingester sees their jobs end.
        try soundJobsEnded(parts.map(\.jobID))
    }

    /// BirdNET's week (1–48) of a soundscape's local date.
    static func week(of time: BirdWeatherTime) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: time.offset) ?? TimeZone(secondsFromGMT: 0)!
        let date = Date(timeIntervalSince1970: time.epoch)
        let day = calendar.ordinality(of: .day, in: .year, for: date) ?? 1
        let days = calendar.range(of: .day, in: .year, for: date)?.count ?? 365
        return AudioParams.week(dayOfYear: day, daysInYear: days)
    }

    /// Ends the processing parts among `jobIDs` whose jobs have ended; idempotent.
    func soundJobsEnded(_ jobIDs: [String]) throws {
        for part in try store.processingParts(jobIDs: jobIDs) { try finish(part) }
    }

    /// Stores a part's detections (or why it failed) once its job has ended.
    private func finish(_ part: BWSoundscapePart) throws {
        guard let row = try jobStore.job(id: part.jobID), let state = JobState(rawValue: row.state), state.isTerminal else { return }
        guard state == .succeeded, let text = row.resultJSON, let json = try? JSON.parse(text), let result = AudioResult(json: json) else {
            let message = state == .succeeded ? "the analysis returned no answer" : (row.errorMessage ?? "the audio could not be analysed (\(state.rawValue))")
            _ = try store.finishPart(part, status: "failed", message: message, detections: [])
            return
        }
        guard let soundscape = try store.soundscape(id: part.soundscapeID),
              let station = try store.station(id: soundscape.stationID) else { return }   // deleted meanwhile
        let configuration = settings.detection
        var detections: [(BWDetection, listed: Bool)] = []
        for chunk in result.chunks {
            for heard in chunk.species where heard.score >= settings.minConfidence {
                guard let species = catalogue.species(birdNETName: "\(heard.scientificName)_\(heard.commonName)") else { continue }
                let score = DetectionConfiguration.score(confidence: heard.score, probability: nil)
                let metadata: JSON = ["source": "soundscape", "job_id": .string(part.jobID), "part": .int(part.part),
                                      "class_index": .int(heard.classIndex), "method": .string(result.method)]
                var time = soundscape.time
                time.epoch += chunk.start
                let detection = BWDetection(id: 0, stationID: soundscape.stationID, speciesID: species.id, time: time,
                                            lat: station.lat, lon: station.lon, confidence: heard.score, probability: nil, score: score,
                                            certainty: configuration.certainty(score: score), algorithm: result.model,
                                            metadata: metadata.serialized(),
                                            soundscape: (url: soundscape.path, start: chunk.start, end: min(chunk.end, soundscape.duration)))
                detections.append((detection, configuration.isListed(confidence: heard.score, score: score, species: species.birdNETName)))
            }
        }
        _ = try store.finishPart(part, status: "done", message: nil, detections: detections)
    }
}
