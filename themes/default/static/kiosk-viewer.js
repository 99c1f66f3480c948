// The kiosk's document viewer: one page image at a time, with big buttons to turn
// pages and zoom. Without script every page shows one under another.
(function () {
  "use strict";
  var viewer = document.querySelector(".viewer");
  if (!viewer) { return; }
  var pages = viewer.querySelectorAll(".viewer-page");
  var status = viewer.querySelector(".viewer-status");
  var prev = viewer.querySelector(".viewer-prev");
  var next = viewer.querySelector(".viewer-next");
  var zoomIn = viewer.querySelector(".viewer-zoom-in");
  var zoomOut = viewer.querySelector(".viewer-zoom-out");
  var ZOOMS = 4; // zoom-1 (fits the screen) to zoom-4, in kiosk.css
  var current = 0;
  var zoom = 1;

  function show() {
    for (var i = 0; i < pages.length; i++) { pages[i].hidden = i !== current; }
    status.textContent = "第 " + (current + 1) + " / " + pages.length + " 页";
    prev.disabled = current === 0;
    next.disabled = current === pages.length - 1;
    viewer.className = "viewer zoom-" + zoom;
    zoomOut.disabled = zoom === 1;
    zoomIn.disabled = zoom === ZOOMS;
  }

  function turn(step) {
    current = Math.max(0, Math.min(pages.length - 1, current + step));
    zoom = 1;
    show();
    viewer.scrollIntoView({ block: "start" });
  }

  prev.addEventListener("click", function () { turn(-1); });
  next.addEventListener("click", function () { turn(1); });
  zoomIn.addEventListener("click", function () { zoom = Math.min(ZOOMS, zoom + 1); show(); });
  zoomOut.addEventListener("click", function () { zoom = Math.max(1, zoom - 1); show(); });
  window.kioskViewer = { turn: turn };
  show();
})();
