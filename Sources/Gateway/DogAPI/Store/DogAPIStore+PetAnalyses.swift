import Shared

/// Recording a pet analysis's answer on the pet: the seed's columns for it, and the whole answer
/// (method, confidence, measurements) under its name in the `analyses` JSON.
extension DogAPIStore {
    /// The analyses a pet records, by name: the seed's columns each one writes.
    enum PetAnalysisName: String, Sendable, CaseIterable {
        /// `body_condition_score`, `body_condition_score_reasons`, `body_condition_score_timestamp`.
        case bodyCondition = "body_condition_score"
        /// `estimated_age_months`, `estimated_age_reasons`, `estimated_age_timestamp`.
        case estimatedAge = "estimated_age"
        /// `genealogy_result`, `genealogy_timestamp`.
        case genealogy
        /// `muscle_wasting_risk`, `muscle_condition_reasons`, `muscle_condition_timestamp`.
        case muscleCondition = "muscle_condition"
    }

    /// Writes `answer` (its document `document`) on pet `petID` at `now`, in one transaction with
    /// the `analyses` JSON; false when the pet is gone.
    func recordPetAnalysis(petID: String, name: PetAnalysisName, document: JSON, now: Double) throws -> Bool {
        try withConnection { db in
            try db.transaction {
                guard let text = try db.scalarText("SELECT analyses FROM dog_pets WHERE id = ?", [.text(petID)]) else { return false }
                var analyses = ((try? JSON.parse(text))?.objectValue ?? []).filter { $0.0 != name.rawValue }
                analyses.append((name.rawValue, document))
                let (sql, values): (String, [SQLiteValue])
                switch name {
                case .bodyCondition:
                    sql = "body_condition_score = ?, body_condition_score_reasons = ?, body_condition_score_timestamp = ?"
                    values = [SQLiteValue(document["score"]?.intValue.map { Int64($0) }), SQLiteValue(document["reasons"]?.stringValue), .real(now)]
                case .estimatedAge:
                    sql = "estimated_age_months = ?, estimated_age_reasons = ?, estimated_age_timestamp = ?"
                    values = [SQLiteValue(document["age_months"]?.intValue.map { Int64($0) }), SQLiteValue(document["reasons"]?.stringValue), .real(now)]
                case .genealogy:
                    sql = "genealogy_result = ?, genealogy_timestamp = ?"
                    values = [.text((document["genealogy"] ?? .null).serialized()), .real(now)]
                case .muscleCondition:
                    sql = "muscle_wasting_risk = ?, muscle_condition_reasons = ?, muscle_condition_timestamp = ?"
                    values = [SQLiteValue(document["wasting_risk_flag"]?.boolValue.map { Int64($0 ? 1 : 0) }),
                              SQLiteValue(document["reasons"]?.stringValue), .real(now)]
                }
                _ = try db.run("UPDATE dog_pets SET \(sql), analyses = ?, updated_at = ? WHERE id = ?",
                               values + [.text(JSON.object(analyses).serialized()), .real(now), .text(petID)])
                return true
            }
        }
    }
}
