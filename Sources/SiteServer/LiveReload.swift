import Foundation
import SiteKit

/// The script that reloads a served page after each rebuild, and how it is put into pages.
///
/// It is added to HTML only as it is served (never to `output/`): `PreviewServer` serves the
/// build from memory, and `clinic-site build` never sees this code.
enum LiveReload {
    /// The prefix of every path the preview server keeps for itself; no site file can be served there.
    static let reservedPrefix = "/__clinic-site/"
    static let eventsPath = "/__clinic-site/events"
    static let scriptPath = "/__clinic-site/live-reload.js"

    /// The script's own text, served at `scriptPath`: an external file rather than inline code,
    /// so that a site that adopts a Content-Security-Policy of `script-src 'self'` still reloads.
    ///
    /// The page carries the build token it was served with (`data-token`); the server sends a
    /// `reload` event at once when the token is already stale (a save landed between the page load
    /// and the connection) and after every rebuild that changed something. After a restart of the
    /// server the browser reconnects by itself, and the new token makes it reload.
    static let script = """
        (function () {
          "use strict";
          var tag = document.currentScript;
          var token = (tag && tag.getAttribute("data-token")) || "";
          document.addEventListener("click", function (event) {
            var button = event.target && event.target.closest && event.target.closest("[data-clinic-site-hide]");
            if (!button) return;
            var overlay = document.getElementById("clinic-site-errors");
            if (overlay) overlay.hidden = true;
          });
          if (!window.EventSource) return;
          var source = new EventSource("\(eventsPath)?since=" + encodeURIComponent(token));
          source.addEventListener("reload", function () {
            source.close();
            window.location.reload();
          });
        })();

        """

    /// The tag that loads the script, carrying the token of the build the page comes from.
    static func scriptTag(token: String) -> String {
        "<script src=\"\(scriptPath)\" data-token=\"\(Escape.html(token))\"></script>"
    }

    /// `html` with `overlay` (when given) placed right after `<body …>`, first in reading order,
    /// and the script tag before the last `</body>` (at the end when there is none).
    static func inject(into html: String, token: String, overlay: String?) -> String {
        var result = html
        let tag = scriptTag(token: token)
        if let close = result.range(of: "</body>", options: [.caseInsensitive, .backwards]) {
            result.insert(contentsOf: tag, at: close.lowerBound)
        } else {
            result += tag
        }
        if let overlay {
            if let open = result.range(of: "<body", options: .caseInsensitive),
                let end = result[open.upperBound...].firstIndex(of: ">")
            {
                result.insert(contentsOf: overlay, at: result.index(after: end))
            } else {
                result = overlay + result
            }
        }
        return result
    }
}
