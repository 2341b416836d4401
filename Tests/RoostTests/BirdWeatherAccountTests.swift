import Foundation
import Testing
@testable import Shared
@testable import Gateway

/// BirdWeather accounts and stations against the real gateway: the seed's shapes, every token
/// form, 401 and 422 errors, guest stations and their upgrade, and isolation between accounts.
@Suite(.serialized) struct BirdWeatherAccountTests {
    @Test func usersSignUpSignInAndManageTheirAccountAsTheSeedShows() throws {
        let (cluster, api) = try Cluster.birdWeather()
        defer { withExtendedLifetime(cluster) {} }
        let created = try api.send("POST", "/user", json: ["email": "test@user.com", "password": "password", "firstName": "Test",
                                                           "lastName": "User", "displayName": "Example"])
        #expect(created.status == 201, "\(created.text)")
        #expect(created.headers["content-type"]?.hasPrefix("application/json") == true)
        let user = try #require(created.jsonBody["user"])
        #expect(created.jsonBody["success"]?.boolValue == true)
        #expect(user.objectValue?.map(\.0) == ["email", "firstName", "lastName", "displayName", "authToken", "stations"])
        let userToken = try #require(user["authToken"]?.stringValue)
        #expect(userToken.range(of: "^[0-9A-Za-z]{24}$", options: .regularExpression) != nil)
        let station = try #require(user["stations"]?[0])
        #expect(station["name"]?.stringValue == "Example" && station["type"]?.stringValue == "user" && station["latestDetectionAt"] == .null)
        let stationToken = try #require(station["authToken"]?.stringValue)
        #expect(stationToken != userToken)

        // Sign in: JSON or form; every sign-in is a new session, the station token stays.
        let signIn = try api.form("POST", "/authenticate", [("email", "TEST@user.com"), ("password", "password")])
        #expect(signIn.status == 200, "\(signIn.text)")
        let session = try #require(signIn.jsonBody["user"]?["authToken"]?.stringValue)
        #expect(session != userToken)
        #expect(signIn.jsonBody["user"]?["stations"]?[0]?["authToken"]?.stringValue == stationToken)
        let wrong = try api.send("POST", "/authenticate", json: ["email": "test@user.com", "password": "nope!!"])
        #expect(wrong.status == 401)
        #expect(wrong.jsonBody == ["success": false, "message": "Invalid credentials"])
        let nobody = try api.send("POST", "/authenticate", json: ["email": "nobody@user.com", "password": "password"])
        #expect(nobody.jsonBody == ["success": false, "message": "Invalid credentials"])

        // Every token form reads the user.
        let forms: [(String, [(String, String)], JSON?)] = [
            ("GET", [("Authorization", "Bearer \(session)")], nil), ("GET", [("Authorization", session)], nil),
            ("GET", [("X-Auth-Token", session)], nil), ("GET", [], nil),
        ]
        for (method, headers, _) in forms {
            let path = headers.isEmpty ? "/user?token=\(session)" : "/user"
            let shown = try api.send(method, path, headers: headers)
            #expect(shown.status == 200, "\(headers) \(shown.text)")
            #expect(shown.jsonBody["user"]?["email"]?.stringValue == "test@user.com")
            #expect(shown.jsonBody["user"]?["authToken"]?.stringValue == session)
        }
        #expect(try api.send("GET", "/user").status == 401)
        #expect(try api.send("GET", "/user", headers: [("Authorization", "Bearer nope")]).jsonBody["success"]?.boolValue == false)
        // A station token is not a user token.
        #expect(try api.send("GET", "/user", headers: [("X-Auth-Token", stationToken)]).status == 401)

        // Update: 422 with the field's message and nothing changed; then a real change.
        let bad = try api.send("PATCH", "/user", json: ["token": .string(session), "email": "not-an-email", "firstName": "Changed"])
        #expect(bad.status == 422)
        #expect(bad.jsonBody == ["success": false, "errors": ["email": ["is invalid"]]])
        #expect(try api.send("GET", "/user?token=\(session)").jsonBody["user"]?["firstName"]?.stringValue == "Test")
        let changed = try api.send("PATCH", "/user", json: ["password": "newpassword", "firstName": "Changed", "lastName": "Name"],
                                   headers: [("Authorization", "Bearer \(session)")])
        #expect(changed.status == 200, "\(changed.text)")
        #expect(changed.jsonBody["user"]?["firstName"]?.stringValue == "Changed" && changed.jsonBody["user"]?["lastName"]?.stringValue == "Name")
        // The new password ends the other sessions, keeps this one, and is the one that signs in.
        #expect(try api.send("GET", "/user?token=\(userToken)").status == 401)
        #expect(try api.send("GET", "/user?token=\(session)").status == 200)
        #expect(try api.send("POST", "/authenticate", json: ["email": "test@user.com", "password": "password"]).status == 401)
        #expect(try api.send("POST", "/authenticate", json: ["email": "test@user.com", "password": "newpassword"]).status == 200)

        // Delete: the account, its sessions and its station go.
        #expect(try api.send("DELETE", "/user", headers: [("X-Auth-Token", session)]).jsonBody == ["success": true])
        #expect(try api.send("GET", "/user?token=\(session)").status == 401)
        #expect(try api.send("GET", "/stations/\(stationToken)/stats").status == 401)
        #expect(try api.send("POST", "/authenticate", json: ["email": "test@user.com", "password": "newpassword"]).status == 401)
    }

    @Test func signUpErrorsAreRailsStyleFieldErrors() throws {
        let (cluster, api) = try Cluster.birdWeather()
        defer { withExtendedLifetime(cluster) {} }
        let blank = try api.send("POST", "/user", json: [:])
        #expect(blank.status == 422)
        #expect(blank.jsonBody == ["success": false, "errors": ["email": ["can't be blank"], "password": ["can't be blank"],
                                                                 "displayName": ["can't be blank"]]])
        let short = try api.send("POST", "/user", json: ["email": "a@b.c", "password": "12345", "displayName": "X"])
        #expect(short.jsonBody["errors"] == ["password": ["is too short (minimum is 6 characters)"]])
        _ = try api.createUser("taken@user.com")
        let taken = try api.send("POST", "/user", json: ["email": "Taken@User.com", "password": "password", "displayName": "X"])
        #expect(taken.status == 422)
        #expect(taken.jsonBody["errors"] == ["email": ["has already been taken"]])
        let notJSON = try api.http.request("POST", "/api/v1/user", headers: [("Content-Type", "application/json")], body: Array("{oops".utf8))
        #expect(notJSON.status == 400 && notJSON.jsonBody["success"]?.boolValue == false)
    }

    @Test func guestStationsPostAnonymouslyAndCanBeClaimedWithTheirData() throws {
        let (cluster, api) = try Cluster.birdWeather()
        defer { withExtendedLifetime(cluster) {} }
        let guest = try api.send("POST", "/guest")
        #expect(guest.status == 201)
        let station = try #require(guest.jsonBody["station"])
        #expect(station["name"]?.stringValue == "Guest" && station["type"]?.stringValue == "guest")
        let token = try #require(station["authToken"]?.stringValue)
        #expect(try api.postDetection(station: token, timestamp: "2026-11-01T06:00:00Z").status == 201)

        let claimed = try api.send("POST", "/user", json: ["email": "owner@user.com", "password": "password", "displayName": "Owner",
                                                           "authToken": .string(token)])
        #expect(claimed.status == 201, "\(claimed.text)")
        let stations = try #require(claimed.jsonBody["user"]?["stations"]?.arrayValue)
        #expect(stations.count == 1)
        #expect(stations[0]["authToken"]?.stringValue == token && stations[0]["type"]?.stringValue == "user")
        #expect(stations[0]["latestDetectionAt"]?.stringValue == "2026-11-01T06:00:00.000+00:00")
        // The user token now opens the same station, and the guest's detection is there.
        let userToken = try #require(claimed.jsonBody["user"]?["authToken"]?.stringValue)
        #expect(try api.send("GET", "/stations/\(userToken)/detections").jsonBody["detections"]?.arrayValue?.count == 1)
        // A claimed station cannot be claimed again.
        let again = try api.send("POST", "/user", json: ["email": "thief@user.com", "password": "password", "displayName": "T",
                                                         "authToken": .string(token)])
        #expect(again.status == 422 && again.jsonBody["errors"]?["authToken"] != nil)

        // More stations per user (beyond the seed): each with its own token, listed at sign-in.
        let garden = try api.send("POST", "/stations", json: ["name": "Garden", "lat": 51.5, "lon": -0.12], headers: [("X-Auth-Token", userToken)])
        #expect(garden.status == 201, "\(garden.text)")
        let gardenToken = try #require(garden.jsonBody["station"]?["authToken"]?.stringValue)
        let listed = try api.send("GET", "/user", headers: [("X-Auth-Token", userToken)]).jsonBody["user"]?["stations"]?.arrayValue ?? []
        #expect(listed.map { $0["authToken"]?.stringValue } == [token, gardenToken])
        #expect(try api.send("POST", "/stations", json: ["name": "Nowhere", "lat": 91], headers: [("X-Auth-Token", userToken)]).status == 422)
        #expect(try api.send("POST", "/stations", json: ["name": "Anonymous"]).status == 401)
    }

    @Test func aTokenOnlyEverSeesItsOwnStation() throws {
        let (cluster, api) = try Cluster.birdWeather()
        defer { withExtendedLifetime(cluster) {} }
        let alice = try api.createUser("alice@user.com")
        let bob = try api.createUser("bob@user.com")
        let aliceGarden = try #require(try api.send("POST", "/stations", json: ["name": "Garden"], headers: [("X-Auth-Token", alice.user)])
            .jsonBody["station"]?["authToken"]?.stringValue)
        let a = try api.postDetection(station: alice.station, timestamp: "2026-11-02T06:00:00Z")
        let b = try api.postDetection(station: bob.station, timestamp: "2026-11-02T06:00:00Z")
        let g = try api.postDetection(station: aliceGarden, timestamp: "2026-11-02T07:00:00Z")
        let ids = [a, b, g].map { $0.jsonBody["detection"]?["id"]?.intValue ?? 0 }
        #expect(Set(ids).count == 3 && !ids.contains(0))
        let soundscape = try api.http.request("POST", "/api/v1/stations/\(bob.station)/soundscapes?timestamp=2026-11-02T06:00:00Z",
                                              body: try Fixtures.bytes("audio/noise.flac"))
        let soundscapeID = try #require(soundscape.jsonBody["soundscape"]?["id"]?.intValue)

        func detectionIDs(_ token: String) throws -> [Int] {
            try api.send("GET", "/stations/\(token)/detections?period=all").jsonBody["detections"]?.arrayValue?.compactMap { $0["id"]?.intValue } ?? []
        }
        #expect(try detectionIDs(alice.station) == [ids[0]])
        #expect(try detectionIDs(alice.user) == [ids[0]], "the user token stands for the default station only")
        #expect(try detectionIDs(aliceGarden) == [ids[2]])
        #expect(try detectionIDs(bob.station) == [ids[1]])
        // Another station's records by id: not found, whichever token asks.
        #expect(try api.send("GET", "/stations/\(alice.station)/detections/\(ids[1])").status == 404)
        #expect(try api.send("GET", "/stations/\(aliceGarden)/detections/\(ids[0])").status == 404)
        #expect(try api.send("GET", "/stations/\(alice.station)/soundscapes/\(soundscapeID)").status == 404)
        #expect(try api.send("DELETE", "/stations/\(alice.station)/soundscapes/\(soundscapeID)").status == 404)
        #expect(try api.send("GET", "/stations/\(bob.station)/soundscapes/\(soundscapeID)").status == 200)
        // A detection cannot point at another station's soundscape.
        let crossed = try api.postDetection(station: alice.station, timestamp: "2026-11-02T06:00:00Z",
                                            extra: [("soundscapeId", .int(soundscapeID)), ("soundscapeStartTime", 0), ("soundscapeEndTime", 3)])
        #expect(crossed.status == 422 && crossed.jsonBody["errors"]?["soundscapeId"] != nil)
        // A purge by one station leaves the other's soundscapes alone.
        #expect(try api.send("DELETE", "/stations/\(alice.station)/soundscapes").jsonBody["count"]?.intValue == 0)
        #expect(try api.send("GET", "/stations/\(bob.station)/soundscapes").jsonBody["soundscapes"]?.arrayValue?.count == 1)
        // Unknown tokens are 401 everywhere.
        for path in ["/stats", "/species", "/detections", "/soundscapes", "/detections/\(ids[0])"] {
            let refused = try api.send("GET", "/stations/\(alice.station.dropLast())x\(path)")
            #expect(refused.status == 401, "\(path)")
            #expect(refused.jsonBody["message"]?.stringValue == "Invalid station token")
        }
        // Tokens never reach the access log.
        let log = cluster.log("gateway.log")
        for token in [alice.user, alice.station, bob.station, aliceGarden] { #expect(!log.contains(token)) }
    }
}
