import Foundation
import GRDB
import HeedTestSupport
import XCTest
@testable import HeedCore

final class MboxFormatTests: XCTestCase {
    func ingest(_ path: String) throws -> (AppDatabase, IngestReport, [Rejection]) {
        let probe = try IngestProbe.file(path)
        return (probe.database, probe.report, probe.rejections)
    }

    func mentions(_ database: AppDatabase) throws -> [Row] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT m.source_id, m.text, m.created_at, m.in_reply_to, m.thread_source_id, m.extra, h.handle, h.name, m.conversation_id
                FROM mention m JOIN contact_handle h ON h.id = m.handle_id ORDER BY m.id
                """)
        }
    }

    func testTheRealMailingListThread() throws {
        let (database, report, rejections) = try ingest(Paths.sharedFixtures + "/email/users_ponymail_apache_org_2022-01.mbox")
        XCTAssertEqual(report.format, "mbox")
        XCTAssertEqual([report.new, report.rejected], [6, 0], "\(rejections)")
        let rows = try mentions(database)
        XCTAssertEqual(rows.map { $0["source_id"] as String }, [
            "CAMHy98POmosR8B2YgZfGN-Tok64Zn9roTG98Yu3gRPQ_CT=Mpg@mail.gmail.com",
            "CAOqetn9H_th-AuTrLQ9R=NS5MxbiCchSiMon2RFMCHqW9qYTHQ@mail.gmail.com",
            "pony-79a78de0-1ff7-464a-a6b9-996ecbd34813-users@ponymail.apache.org",
            "CAMHy98MMsor+zwiApVbxuj0cgQ4vp-sV_s5eYxyQ6f3WFdRE6g@mail.gmail.com",
            "CAOGo0VZ1_87YbhSBpVHDk-x0d6ywHQMsoxYW-dvY9Hicq+J_OA@mail.gmail.com",
            "f9799d85-063c-a44c-5f7a-25aa0ed06d93@apache.org",
        ])
        XCTAssertEqual(rows.map { $0["in_reply_to"] as String? }, [nil, rows[0]["source_id"], rows[1]["source_id"], nil, rows[3]["source_id"], rows[3]["source_id"]])
        XCTAssertEqual(Set(rows.map { $0["conversation_id"] as Int64 }).count, 2, "two threads")
        XCTAssertEqual(rows[1]["handle"] as String, "johndament@apache.org")
        XCTAssertEqual(rows[1]["name"] as String, "John D. Ament")
        XCTAssertEqual(rows[1]["created_at"] as Int64, RFC3339.milliseconds(from: "2022-01-02T13:33:24Z"))
        // Quoted-printable decoded, soft breaks joined, the quoted history trimmed from what is shown.
        XCTAssertEqual(rows[2]["text"] as String, """
            Hi,

            I've already found that, and I can construct the URL via Javascript and redirect the user.

            However I was asking if it is possible to construct an HTML form that send the user directly to list.a.o /without/ the javascript hack. Ie if there is an endpoint that accepts normal GET parameters (something like https://lists.apache.org/search?list=*@subversion.apache.org&time=gte%3D0d&q=Wayita).

            Kind regards
            Daniel
            """)
        // …and kept whole in the cache.
        let extra = try JSONParser.parse(rows[2]["extra"] as String)
        XCTAssertTrue(extra["full_text"]?.string?.contains("> I think a link like this is what you're looking for.") == true)
        XCTAssertEqual(extra["subject"]?.string, "Re: External search form")
        // A reply written below the quote it answers starts at the reply.
        XCTAssertTrue((rows[5]["text"] as String).hasPrefix("The issue at hand is that the attachment is nameless"), rows[5]["text"] as String)
    }

    func testEncodingsCharsetsAndBrokenMessages() throws {
        let folder = TemporaryFolder()
        var bytes: [UInt8] = []
        func add(_ text: String) { bytes += Array(text.utf8) }
        add("""
            From dana@example.com Mon Nov 23 09:00:00 2026
            From: =?UTF-8?Q?Dana_K=C3=B6nig?= <Dana@Example.com>
            Subject: =?ISO-8859-1?B?UmU6IEFib25uZW1lbnQgYW5udWzp?=
            Date: Mon, 23 Nov 2026 09:00:00 +0000
            Message-ID: <1@example.com>
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: base64

            TWVyY2kgcG91ciBsYSBuZXdzbGV0dGVyICEgw4dhIG1hcmNoZS4=

            From lee@example.com Mon Nov 23 09:05:00 2026
            From: Lee <lee@example.com>
            Date: Mon, 23 Nov 2026 09:05:00 +0000
            Message-ID: <2@example.com>
            In-Reply-To: <1@example.com>
            References: <1@example.com>
            Content-Type: text/plain; charset=iso-8859-1
            Content-Transfer-Encoding: 8bit


            """)
        bytes += [0x43, 0x61, 0x66, 0xE9, 0x20, 0x6F, 0x6B, 0x0A]              // "Café ok" in Latin-1
        add(">From the team: thanks\n\n")
        add("""
            From sam@example.com Mon Nov 23 09:10:00 2026
            From: Sam <sam@example.com>
            Date: Mon, 23 Nov 2026 09:10:00 +0000
            Message-ID: <3@example.com>
            Content-Type: multipart/alternative; boundary="b1"

            --b1
            Content-Type: text/html; charset=windows-1252
            Content-Transfer-Encoding: quoted-printable

            <p>It=92s =80 5 =96 fine</p>
            --b1--

            From nobody Mon Nov 23 09:20:00 2026
            From: Nobody <n@example.com>
            Date: Mon, 23 Nov 2026 09:20:00 +0000

            no id here

            """)
        let path = folder.file("replies.mbox")
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let (database, report, rejections) = try ingest(path)
        XCTAssertEqual([report.new, report.rejected], [3, 1])
        let lineOfBroken = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            .firstIndex { $0.starts(with: Array("From nobody".utf8)) }.map { $0 + 1 }
        XCTAssertEqual(rejections, [Rejection(line: try XCTUnwrap(lineOfBroken), field: "Message-ID", reason: "missing")])
        let rows = try mentions(database)
        XCTAssertEqual(rows.map { $0["text"] as String }, ["Merci pour la newsletter ! Ça marche.", "Café ok\nFrom the team: thanks", "It’s € 5 – fine"])
        XCTAssertEqual(rows[0]["handle"] as String, "dana@example.com")
        XCTAssertEqual(rows[0]["name"] as String, "Dana König")
        XCTAssertEqual(try JSONParser.parse(rows[0]["extra"] as String)["subject"]?.string, "Re: Abonnement annulé")
        XCTAssertEqual(rows[1]["in_reply_to"] as String, "1@example.com")
        XCTAssertEqual(rows[1]["thread_source_id"] as String, "1@example.com")
    }

    func testQuotedTextTrimming() {
        XCTAssertEqual(QuotedText.trimmed("Thanks!\n\nOn Mon, Nov 23, 2026 at 9:00 AM Northwind <news@n.example>\nwrote:\n> Our news\n> more"), "Thanks!")
        XCTAssertEqual(QuotedText.trimmed("Sounds good.\n-----Original Message-----\nFrom: x"), "Sounds good.")
        XCTAssertEqual(QuotedText.trimmed("On Monday I'll call.\nDana wrote:\n> hi"), "On Monday I'll call.")
        XCTAssertEqual(QuotedText.trimmed("> only a quote"), "> only a quote", "nothing new: the text is kept")
    }

    func testRFC2047Words() {
        XCTAssertEqual(TransferEncoding.headerWords("=?UTF-8?Q?Caf=C3=A9?= =?UTF-8?Q?_au_lait?= ok"), "Café au lait ok")
        XCTAssertEqual(TransferEncoding.headerWords("plain =?bogus"), "plain =?bogus")
    }
}
