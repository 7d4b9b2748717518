// hallkiosk console: one submission per rendered form, and live refresh of
// the page's #live part from the call stream. No libraries, no CDN.
(function () {
  "use strict";
  var busy = false;

  // One click, one action: the first submit of any data-once form locks
  // every form on the page until the next page loads. The server also
  // holds the form's idempotency key, so even a resent form acts once.
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (f.hasAttribute("data-confirm") && !window.confirm(f.getAttribute("data-confirm"))) {
      e.preventDefault();
      return;
    }
    if (!f.hasAttribute("data-once")) return;
    if (busy) { e.preventDefault(); return; }
    busy = true;
    document.body.classList.add("busy");
  }, true);

  function refresh() {
    if (busy) return;
    var live = document.getElementById("live");
    if (!live) return;
    fetch(location.href, { headers: { "X-Live": "1" }, credentials: "same-origin" })
      .then(function (r) {
        // The session ended (idle limit, logout elsewhere): show the login.
        if (r.redirected && new URL(r.url).pathname === "/login") {
          location.href = r.url;
          return null;
        }
        return r.ok ? r.text() : null;
      })
      .then(function (html) {
        if (!html || busy) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("live");
        if (fresh) live.innerHTML = fresh.innerHTML;
      })
      .catch(function () {});
  }

  var title = document.title;
  window.addEventListener("focus", function () { document.title = title; });

  var timer = null;
  function soon() { clearTimeout(timer); timer = setTimeout(refresh, 150); }

  function connect() {
    var dot = document.getElementById("conn");
    var es = new EventSource("/events");
    es.onopen = function () { if (dot) dot.className = "conn on"; };
    es.onmessage = function (m) {
      var ev = {};
      try { ev = JSON.parse(m.data); } catch (e) {}
      // R8: a ticket passed its waiting target; mark the tab until seen.
      if (ev.kind === "wait_alert" && location.pathname === "/leader") {
        document.title = "\u26a0 " + ev.number + " · " + title;
      }
      soon();
    };
    es.onerror = function () { if (dot) dot.className = "conn off"; };
  }

  if (document.body.hasAttribute("data-live")) {
    connect();
    // R8 lateness and the R13 countdown move with the clock, with no event
    // to cue them: refresh every 10 s as well.
    setInterval(refresh, 10000);
  }
  if (document.getElementById("ticket")) {
    setTimeout(function () { location.reload(); }, 20000);
  }
})();
