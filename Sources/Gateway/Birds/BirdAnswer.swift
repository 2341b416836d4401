import Foundation
import Shared

/// The bird-identification API's response body: `{"Timestamp", "Name", "Score", "LearnMoreLink"}`,
/// PascalCase, exactly as the real ASP.NET service writes it.
struct BirdAnswer: Sendable, Equatable {
    /// The label lower-cased, spaces as `-` (`bald-eagle`; `dog`, `person`… for version 2's non-birds).
    let name: String
    /// The answer's probability × 100, rounded to two decimals.
    let score: Double
    /// A web search for the bird, or `""` when the photo shows no bird (version 2).
    let learnMoreLink: String

    /// The answer for a `birds` job's result.
    init(_ result: BirdsResult) {
        name = Self.slug(result.label)
        score = (result.probability * 10_000).rounded() / 100
        learnMoreLink = result.shows == "bird" ? Self.searchLink(result.label) : ""
    }

    /// The body, stamped with `now` as the gateway's local time.
    func json(now: Double = Clock.now()) -> JSON {
        ["Timestamp": .string(Self.localTimestamp(now)), "Name": .string(name), "Score": .double(score),
         "LearnMoreLink": .string(learnMoreLink)]
    }

    /// `"Bald Eagle"` → `bald-eagle`.
    static func slug(_ label: String) -> String {
        label.lowercased().split(whereSeparator: { $0 == " " || $0 == "_" }).joined(separator: "-")
    }

    /// `https://www.google.com/search?q=bald+eagle+bird`: the label's words, percent-encoded, joined by `+`.
    static func searchLink(_ label: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let words = label.lowercased().split(separator: " ").map {
            String($0).addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0)
        }
        return "https://www.google.com/search?q=" + (words + ["bird"]).joined(separator: "+")
    }

    /// .NET's `DateTime.Now` in JSON: `2026-12-03T09:41:12.1234567+01:00` (local time, 7 fraction
    /// digits, the UTC offset), for clients that parse the real service's timestamps.
    static func localTimestamp(_ seconds: Double) -> String {
        var whole = time_t(seconds.rounded(.down))
        var parts = tm()
        localtime_r(&whole, &parts)
        let ticks = Int(((seconds - seconds.rounded(.down)) * 10_000_000).rounded(.down))
        let offsetMinutes = parts.tm_gmtoff / 60
        let sign = offsetMinutes < 0 ? "-" : "+"
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%07d%@%02d:%02d",
                      Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min),
                      Int(parts.tm_sec), min(ticks, 9_999_999), sign, abs(offsetMinutes) / 60, abs(offsetMinutes) % 60)
    }
}
