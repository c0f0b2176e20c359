import Foundation
import SiteKit

/// The build errors as HTML, for the browser: an overlay over the last good page, or a page of
/// its own when no build has succeeded yet.
///
/// Self-contained (no external resource, styles scoped to its id), readable without the script
/// (the script only adds hiding), announced by screen readers (`role="alert"`), and placed
/// first in the page so that keyboard and screen-reader users meet it first.
struct ErrorOverlay {
    var errors: [Diagnostic]
    var warningCount: Int
    /// The text of a source file by its display path, for the line each error points at.
    var sourceLine: (SourcePosition) -> String?

    static let elementID = "clinic-site-errors"

    /// The errors in the order the overlay lists them: causes first. A page whose front matter
    /// cannot be read drops out of the site, and every link to it then fails too; the broken
    /// front matter must not hide below a dozen broken links. Otherwise in report order.
    static func ordered(_ errors: [Diagnostic]) -> [Diagnostic] {
        let consequences = ["link.", "price."]
        let isConsequence = { (d: Diagnostic) in consequences.contains { d.code.hasPrefix($0) } }
        return errors.filter { !isConsequence($0) } + errors.filter(isConsequence)
    }

    /// The overlay placed over the last good version of a page.
    func overlay() -> String {
        section(
            lead: "You are seeing the last version of this page that built without errors. Fix the "
                + (errors.count == 1 ? "error" : "errors")
                + " below and save: this page reloads by itself.",
            hideButton: true)
    }

    /// A whole page, served for every page while no build has succeeded.
    func page() -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) (clinic-site preview)</title>
        </head>
        <body>
        \(section(lead: "The site could not be built yet. Fix the " + (errors.count == 1 ? "error" : "errors") + " below and save: this page reloads by itself.", hideButton: false))
        </body>
        </html>

        """
    }

    var title: String {
        errors.count == 1 ? "1 error in the site" : "\(errors.count) errors in the site"
    }

    private func section(lead: String, hideButton: Bool) -> String {
        let id = Self.elementID
        var html = """
            <section id="\(id)" role="alert" aria-labelledby="\(id)-title"><style>\(Self.style)</style>\
            <h2 id="\(id)-title">\(Escape.html(title))</h2>\
            <p>\(Escape.html(lead))</p><ol>
            """
        for d in Self.ordered(errors) {
            html += "<li><p><code>\(Escape.html(d.position.description))</code>: \(Escape.html(d.message))"
            html += " <span class=\"code\">[\(Escape.html(d.code))]</span></p>"
            if let line = sourceLine(d.position), !line.trimmingCharacters(in: .whitespaces).isEmpty {
                html += "<pre aria-label=\"line \(d.position.line)\">\(Escape.html(line))</pre>"
            }
            if let suggestion = d.suggestion {
                html += "<p class=\"help\"><strong>How to fix:</strong> \(Escape.html(suggestion))</p>"
            }
            html += "</li>"
        }
        html += "</ol>"
        if warningCount > 0 {
            html += "<p>The terminal also lists \(warningCount) warning\(warningCount == 1 ? "" : "s").</p>"
        }
        if hideButton {
            html += "<p><button type=\"button\" data-clinic-site-hide>Hide this message</button></p>"
        }
        return html + "</section>"
    }

    /// Scoped to the overlay's id and reset with `all: revert`, so the site's styles neither
    /// break it nor are changed by it. Colors meet WCAG AA contrast (dark red on white, 7.9:1).
    static let style = """
        #\(elementID),#\(elementID) *{all:revert;box-sizing:border-box}\
        #\(elementID){position:fixed;inset:0 0 auto 0;z-index:2147483647;max-height:85vh;overflow:auto;\
        margin:0;padding:1rem 1.25rem;background:#fff;color:#1a1a1a;border-bottom:6px solid #a4161a;\
        box-shadow:0 4px 24px rgba(0,0,0,.35);font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}\
        #\(elementID) h2{margin:0 0 .5rem;font-size:1.25rem;color:#a4161a}\
        #\(elementID) ol{margin:.5rem 0;padding-left:1.5rem}\
        #\(elementID) li{margin:.75rem 0}#\(elementID) li p{margin:.25rem 0}\
        #\(elementID) code,#\(elementID) pre{font:14px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\
        #\(elementID) code{font-weight:bold}\
        #\(elementID) pre{margin:.25rem 0;padding:.25rem .5rem;background:#f3f3f3;white-space:pre-wrap;overflow-wrap:anywhere}\
        #\(elementID) .code{color:#555}\
        #\(elementID) .help{white-space:pre-wrap}\
        #\(elementID) button{font:inherit;padding:.4rem .9rem;border:2px solid #1a1a1a;border-radius:4px;background:#fff;color:#1a1a1a;cursor:pointer}\
        #\(elementID) button:focus-visible{outline:3px solid #1f5fbf;outline-offset:2px}
        """
}
