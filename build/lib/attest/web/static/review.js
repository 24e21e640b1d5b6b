// The case page's document viewer: zoom and pan over the page pictures, and a field's box highlighted when
// its row is hovered, focused or selected. Plain script, no build step; htmx swaps new viewers in and
// `htmx.onLoad` wires them up. Nothing here is needed to decide a case: every action is a plain form too.
(function () {
  "use strict";

  function boxesFor(viewer, path) {
    return viewer.querySelectorAll('rect.fbox[data-field="' + CSS.escape(path) + '"]');
  }

  function setupViewer(viewer) {
    if (viewer.dataset.ready) return;
    viewer.dataset.ready = "1";
    var stage = viewer.querySelector(".stage");
    var pan = viewer.querySelector(".pan");
    if (!stage || !pan) return;
    var view = { scale: 1, x: 0, y: 0 };
    function apply() {
      pan.style.transform = "translate(" + view.x + "px," + view.y + "px) scale(" + view.scale + ")";
    }
    function zoom(factor, cx, cy) {
      var rect = stage.getBoundingClientRect();
      var px = (cx === undefined ? rect.width / 2 : cx - rect.left);
      var py = (cy === undefined ? rect.height / 2 : cy - rect.top);
      var next = Math.min(8, Math.max(0.5, view.scale * factor));
      // Keep the point under the cursor (or the centre) where it is while the scale changes.
      view.x = px - (px - view.x) * (next / view.scale);
      view.y = py - (py - view.y) * (next / view.scale);
      view.scale = next;
      apply();
    }
    function reset() { view = { scale: 1, x: 0, y: 0 }; apply(); }
    function centre(el) {
      var s = stage.getBoundingClientRect();
      var b = el.getBoundingClientRect();
      view.x += (s.left + s.width / 2) - (b.left + b.width / 2);
      view.y += (s.top + s.height / 2) - (b.top + b.height / 2);
      apply();
    }
    viewer.querySelectorAll("[data-zoom]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        var how = btn.dataset.zoom;
        if (how === "in") zoom(1.25); else if (how === "out") zoom(0.8); else reset();
      });
    });
    stage.addEventListener("wheel", function (e) {
      e.preventDefault();
      zoom(e.deltaY < 0 ? 1.15 : 0.87, e.clientX, e.clientY);
    }, { passive: false });
    var drag = null;
    stage.addEventListener("pointerdown", function (e) {
      drag = { x: e.clientX - view.x, y: e.clientY - view.y };
      stage.setPointerCapture(e.pointerId);
      stage.classList.add("dragging");
    });
    stage.addEventListener("pointermove", function (e) {
      if (!drag) return;
      view.x = e.clientX - drag.x; view.y = e.clientY - drag.y; apply();
    });
    ["pointerup", "pointercancel"].forEach(function (name) {
      stage.addEventListener(name, function () { drag = null; stage.classList.remove("dragging"); });
    });
    stage.addEventListener("keydown", function (e) {
      var step = 40;
      var keys = {
        "+": function () { zoom(1.25); }, "=": function () { zoom(1.25); }, "-": function () { zoom(0.8); },
        "0": reset, ArrowLeft: function () { view.x += step; apply(); }, ArrowRight: function () { view.x -= step; apply(); },
        ArrowUp: function () { view.y += step; apply(); }, ArrowDown: function () { view.y -= step; apply(); }
      };
      if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
    });

    function mark(path, cls, on) {
      boxesFor(viewer, path).forEach(function (r) { r.classList.toggle(cls, on); });
    }
    function select(path, scroll) {
      viewer.querySelectorAll("rect.fbox.selected, tr.field.selected").forEach(function (el) {
        el.classList.remove("selected");
      });
      viewer.querySelectorAll("button.pick").forEach(function (b) {
        b.setAttribute("aria-pressed", b.dataset.field === path ? "true" : "false");
      });
      mark(path, "selected", true);
      var row = viewer.querySelector('tr.field[data-field="' + CSS.escape(path) + '"]');
      if (row) row.classList.add("selected");
      var box = boxesFor(viewer, path)[0];
      if (box) {
        if (view.scale < 1.5) { view.scale = 1.5; apply(); }
        centre(box);
        if (scroll) stage.scrollIntoView({ block: "nearest" });
      }
    }
    viewer.querySelectorAll("tr.field").forEach(function (row) {
      var path = row.dataset.field;
      row.addEventListener("mouseenter", function () { mark(path, "hover", true); });
      row.addEventListener("mouseleave", function () { mark(path, "hover", false); });
      row.addEventListener("focusin", function () { mark(path, "hover", true); });
      row.addEventListener("focusout", function () { mark(path, "hover", false); });
    });
    viewer.querySelectorAll("button.pick").forEach(function (btn) {
      btn.addEventListener("click", function () { select(btn.dataset.field, false); });
    });
    var first = viewer.querySelector(".page img");
    var chosen = viewer.dataset.selected;
    if (chosen) {
      var go = function () { select(chosen, true); };
      if (first && !first.complete) first.addEventListener("load", go, { once: true }); else go();
    }
  }

  function markCurrentThumb(viewer) {
    var img = viewer.querySelector(".page img");
    if (!img) return;
    var doc = img.getAttribute("src").split("/")[3];
    document.querySelectorAll(".thumbs li").forEach(function (li) {
      var a = li.querySelector("a[data-doc]");
      li.classList.toggle("current", !!a && a.dataset.doc === doc);
    });
  }

  function wire(root) {
    var viewers = root.id === "viewer" ? [root] : root.querySelectorAll ? root.querySelectorAll("#viewer") : [];
    viewers.forEach(function (v) { setupViewer(v); markCurrentThumb(v); });
  }

  if (window.htmx) {
    window.htmx.onLoad(wire);
  } else {
    document.addEventListener("DOMContentLoaded", function () { wire(document); });
  }
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target && e.detail.target.id === "viewer") {
      var v = document.getElementById("viewer");
      if (v) v.scrollIntoView({ block: "start" });
    }
  });
})();
