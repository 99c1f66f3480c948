// Touch-screen behaviour shared by every kiosk page: back and home buttons, an
// idle timer that returns to the home screen, and no selection, context menu or
// dragging that could trap an unattended visitor.
(function () {
  "use strict";
  var body = document.body;
  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds"), 10) || 120;
  var home = body.getAttribute("data-home");
  var timer = null;

  function atHome() {
    return new URL(home, window.location.href).pathname === window.location.pathname;
  }

  function goHome() {
    try {
      window.localStorage.removeItem("mode-large");
      window.localStorage.removeItem("mode-contrast");
    } catch (e) { /* storage unavailable */ }
    if (atHome() && !window.location.search) {
      if (newest) { // site.kiosk_attract: idle at home, show the newest items in turn
        window.location.href = home + "?attract=0";
        return;
      }
      window.scrollTo(0, 0);
      document.documentElement.classList.remove("mode-large", "mode-contrast");
      restart();
      return;
    }
    window.location.href = home; // a fresh page: any search is cleared
  }

  // Attract mode: home?attract=N opens the Nth newest item (from the list only home
  // carries), which after ATTRACT_SECONDS returns to home?attract=N+1. The first
  // touch anywhere ends it on the plain home screen.
  var ATTRACT_SECONDS = 15;
  var attractList = document.querySelector(".attract");
  var newest = attractList ? attractList.getAttribute("data-urls").split(" ").filter(Boolean) : null;
  if (newest && !newest.length) { newest = null; }
  var step = parseInt(new URLSearchParams(window.location.search).get("attract"), 10);
  if (!isNaN(step)) {
    // One touch fires pointerdown and touchstart: leave once, or the second navigation
    // aborts the first.
    var leaving = false;
    ["pointerdown", "keydown", "touchstart"].forEach(function (type) {
      document.addEventListener(type, function (event) {
        event.preventDefault();
        if (!leaving) {
          leaving = true;
          window.location.href = home;
        }
      }, { capture: true });
    });
    if (atHome()) {
      if (newest) {
        window.location.replace(newest[step % newest.length] + "?attract=" + (step % newest.length));
      } else {
        window.location.replace(home);
      }
    } else {
      window.setTimeout(function () {
        window.location.replace(home + "?attract=" + (step + 1));
      }, ATTRACT_SECONDS * 1000);
    }
    return;
  }

  function restart() {
    window.clearTimeout(timer);
    timer = window.setTimeout(goHome, idleSeconds * 1000);
  }

  ["pointerdown", "keydown", "touchstart", "wheel"].forEach(function (type) {
    document.addEventListener(type, restart, { passive: true });
  });
  restart();

  ["contextmenu", "selectstart", "dragstart"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (!(event.target instanceof HTMLInputElement)) { event.preventDefault(); }
    });
  });

  // The kiosk is a copy updated by hand: say so to staff once it is older than
  // site.kiosk_stale_days (the notice is on the home screen only).
  var stale = document.querySelector(".kiosk-stale");
  var built = Date.parse(body.getAttribute("data-built") + "T00:00:00");
  var staleDays = parseInt(body.getAttribute("data-stale-days"), 10) || 30;
  if (stale && !isNaN(built)) {
    stale.hidden = (Date.now() - built) / 86400000 <= staleDays;
  }

  var back = document.querySelector(".kiosk-back");
  if (back) {
    back.addEventListener("click", function () {
      if (window.history.length > 1) { window.history.back(); } else { window.location.href = home; }
    });
  }
})();
