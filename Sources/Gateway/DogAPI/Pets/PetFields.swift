import Foundation
import Shared

/// The owner's fields of a pet in a create (multipart form) or update (JSON) request, checked.
///
/// Each field is either absent (`nil`: keep what the pet has) or a new value (`.some(nil)` clears
/// it: JSON `null` or an empty string). Rules, each a plain-text 400 in the service's style:
/// - `name` at most 200 characters, `description` at most 2,000, `microchip_id` and `sub_id` at most 255;
/// - `breed_id` a breed of the catalogue (`GET /v1/breeds`), `species_id` `1` (dog) or `2` (cat);
/// - `date_of_birth` a real `YYYY-MM-DD` day (an ISO date-time's date is taken), not in the future,
///   at most 40 years and 11 months ago;
/// - `age_years` a whole number 0–40 and `age_months` a whole number 0–11 (either may be left out:
///   0); together they set `date_of_birth` to today (UTC) minus that many months;
/// - both a date of birth and ages: accepted when the date gives the pet exactly that age in whole
///   months today (then the date, the finer of the two, is kept), else refused.
struct PetFields {
    /// New values (see the type's comment).
    var name, breedID, speciesID, description, microchipID, subID, dateOfBirth: String??

    /// The longest name, description and other text field, in characters.
    static let maxName = 200, maxDescription = 2_000, maxText = 255

    /// Reads and checks `values` (the form's text fields or the JSON body's members) on UTC day `today`.
    init(_ values: [String: JSON], today: PetAge.Day) throws {
        name = try Self.text(values, "name", max: Self.maxName)
        description = try Self.text(values, "description", max: Self.maxDescription)
        microchipID = try Self.text(values, "microchip_id", max: Self.maxText)
        subID = try Self.text(values, "sub_id", max: Self.maxText)
        breedID = try Self.text(values, "breed_id", max: Self.maxText)
        if case let .some(.some(id)) = breedID {
            guard let number = Int(id), DogCatalogue.standard.breed(id: number) != nil else {
                throw DogAPIError.badRequest("breed_id \(id) is not a breed of the catalogue: use an id from GET /v1/breeds")
            }
            breedID = String(number)
        }
        speciesID = try Self.text(values, "species_id", max: Self.maxText)
        if case let .some(.some(id)) = speciesID {
            guard let number = Int(id), number == 1 || number == 2 else { throw DogAPIError.badRequest("species_id must be 1 (dog) or 2 (cat)") }
            speciesID = String(number)
        }
        dateOfBirth = try Self.dateOfBirth(values, today: today)
    }

    /// Sets the fields that were sent on `pet`.
    func apply(to pet: inout DogPet) {
        if let name { pet.name = name }
        if let breedID { pet.breedID = breedID }
        if let speciesID { pet.speciesID = speciesID }
        if let description { pet.description = description }
        if let microchipID { pet.microchipID = microchipID }
        if let subID { pet.subID = subID }
        if let dateOfBirth { pet.dateOfBirth = dateOfBirth }
    }

    /// `age_years` × 12 + `age_months`, or nil when neither was sent (the rules in the type's comment).
    static func ageMonths(_ values: [String: JSON]) throws -> Int? {
        let years = try wholeNumber(values["age_years"], in: 0...40, "age_years must be a whole number of years from 0 to 40")
        let months = try wholeNumber(values["age_months"], in: 0...11, "age_months must be a whole number of months from 0 to 11")
        guard years != nil || months != nil else { return nil }
        return (years ?? 0) * 12 + (months ?? 0)
    }

    /// The date of birth the request sets (see the type's comment), `.some(nil)` to clear it, nil to keep it.
    private static func dateOfBirth(_ values: [String: JSON], today: PetAge.Day) throws -> String?? {
        let age = try ageMonths(values)
        let sent = try text(values, "date_of_birth", max: 64)
        guard case let .some(.some(text)) = sent else {
            if let age { return .some(PetAge.birthday(ageMonths: age, on: today).formatted) }
            return sent
        }
        guard let birth = PetAge.day(text.trimmingCharacters(in: .whitespaces)) else {
            throw DogAPIError.badRequest("date_of_birth must be a date as YYYY-MM-DD")
        }
        guard birth <= today else { throw DogAPIError.badRequest("date_of_birth \(birth.formatted) is in the future") }
        let months = PetAge.months(from: birth, to: today)
        guard months <= PetAge.maxMonths else { throw DogAPIError.badRequest("date_of_birth \(birth.formatted) is more than 40 years and 11 months ago") }
        if let age, age != months {
            throw DogAPIError.badRequest("date_of_birth \(birth.formatted) makes the pet \(months) months old, but age_years and age_months say \(age): send one or the other")
        }
        return birth.formatted
    }

    /// Text field `key`: nil when absent, `.some(nil)` for null or empty, else the text (numbers as their digits).
    static func text(_ values: [String: JSON], _ key: String, max: Int) throws -> String?? {
        guard let value = values[key] else { return nil }
        let text: String
        switch value {
        case .null: return .some(nil)
        case let .string(s): text = s
        case let .int(n): text = String(n)
        default: throw DogAPIError.badRequest("\(key) must be a string")
        }
        if text.isEmpty { return .some(nil) }
        guard text.count <= max else { throw DogAPIError.badRequest("\(key) must be at most \(max) characters") }
        return .some(text)
    }

    /// A whole number in `range` (a JSON number, or its text in a form), nil when absent, null or empty.
    private static func wholeNumber(_ value: JSON?, in range: ClosedRange<Int>, _ message: String) throws -> Int? {
        let number: Double?
        switch value {
        case nil, .null?: return nil
        case let .string(s)?:
            let trimmed = s.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return nil }
            number = Double(trimmed)
        case let .int(n)?: number = Double(n)
        case let .double(d)?: number = d
        default: number = nil
        }
        guard let number, abs(number) < 1e9, number.rounded() == number, range.contains(Int(number)) else {
            throw DogAPIError.badRequest(message)
        }
        return Int(number)
    }
}
