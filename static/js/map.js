// The county map by touch (issue 23). On a phone most counties are smaller than a fingertip (Rockwall is
// 8 x 8 px at 390 px wide), so a tap near a border can open the wrong county. A tap here counts every
// county within a fingertip (12 px) of where it landed: one county opens as before; several open a short
// chooser of the county and its neighbours, largest overlap first. A mouse click opens the county under
// the pointer, as a plain link does; keyboard activation is left alone. Without this script the map's
// links still work, and the lists under the map name every county with a large target.
(() => {
  "use strict";
  const FINGER = 12; // CSS px around a touch that a fingertip covers
  const MOUSE = 0;
  const RINGS = [0, 0.5, 1]; // sample the tap point and two rings around it
  const DIRECTIONS = 12;

  function samples(x, y, radius) {
    const points = [];
    for (const ring of RINGS) {
      const steps = ring === 0 ? 1 : DIRECTIONS;
      for (let i = 0; i < steps; i += 1) {
        const angle = (2 * Math.PI * i) / steps;
        points.push([x + Math.cos(angle) * radius * ring, y + Math.sin(angle) * radius * ring]);
      }
    }
    return points;
  }

  function countiesNear(svg, clientX, clientY, radius) {
    const matrix = svg.getScreenCTM();
    if (!matrix) return [];
    const inverse = matrix.inverse();
    const point = svg.createSVGPoint();
    const toSvg = ([x, y]) => {
      point.x = x;
      point.y = y;
      return point.matrixTransform(inverse);
    };
    const userPoints = samples(clientX, clientY, radius).map(toSvg);
    const reach = radius / matrix.a; // the fingertip in the map's own units
    const centre = userPoints[0];
    const found = [];
    for (const link of svg.querySelectorAll("a[href]")) {
      const shape = link.querySelector("path");
      if (!shape) continue;
      const box = shape.getBBox();
      if (centre.x < box.x - reach || centre.x > box.x + box.width + reach) continue;
      if (centre.y < box.y - reach || centre.y > box.y + box.height + reach) continue;
      let hits = 0;
      let underFinger = false;
      userPoints.forEach((p, index) => {
        const probe = svg.createSVGPoint();
        probe.x = p.x;
        probe.y = p.y;
        if (shape.isPointInFill(probe)) {
          hits += 1;
          if (index === 0) underFinger = true;
        }
      });
      if (hits) found.push({ link, hits, underFinger });
    }
    found.sort((a, b) => Number(b.underFinger) - Number(a.underFinger) || b.hits - a.hits);
    return found.map((f) => f.link);
  }

  function openChooser(dialog, links) {
    const list = dialog.querySelector(".map-chooser-links");
    list.replaceChildren(
      ...links.map((link) => {
        const item = document.createElement("li");
        const anchor = document.createElement("a");
        anchor.href = link.getAttribute("href");
        anchor.textContent = link.getAttribute("aria-label");
        item.append(anchor);
        return item;
      }),
    );
    dialog.showModal();
    dialog.querySelector("h2").focus();
  }

  function setUp(figure) {
    const svg = figure.querySelector("svg.map");
    const dialog = figure.querySelector("dialog.map-chooser");
    if (!svg || !dialog || typeof dialog.showModal !== "function") return;
    let pointer = "mouse";
    svg.addEventListener("pointerdown", (event) => {
      pointer = event.pointerType || "mouse";
    });
    svg.addEventListener("click", (event) => {
      if (event.detail === 0) return; // Enter on a focused county: its own link
      const radius = pointer === "mouse" ? MOUSE : FINGER;
      if (radius === MOUSE) return;
      const links = countiesNear(svg, event.clientX, event.clientY, radius);
      if (links.length < 2) return; // one county (or none) within reach: the link as tapped
      event.preventDefault();
      openChooser(dialog, links.slice(0, 6));
    });
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) dialog.close(); // a tap on the backdrop
    });
  }

  document.querySelectorAll("figure.county-map").forEach(setUp);
})();
