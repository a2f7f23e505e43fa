// Draws the network page's link chart with Cytoscape.js from the page's JSON data block (no inline script
// or style: the Content-Security-Policy forbids both). Rings: the centre, then one ring per step out.
import cytoscape from "../dist/cytoscape.esm.min.js";

// One source for the colours: the key's swatches, styled by the stylesheet.
function colourOf(name) {
  const swatch = document.querySelector(`.tessera-link-chart__swatch--${name}`);
  return swatch ? getComputedStyle(swatch).backgroundColor : "#505a5f";
}

function draw() {
  const container = document.getElementById("network-chart");
  const data = document.getElementById("network-data");
  if (!container || !data) return;
  const elements = JSON.parse(data.textContent);
  const rings = Math.max(1, ...elements.nodes.map((n) => n.data.ring));
  const colours = {};
  for (const name of ["person", "child", "suspect", "location", "vehicle", "phone", "online_account"]) {
    colours[name] = colourOf(name);
  }
  const cy = cytoscape({
    container,
    elements: [...elements.nodes, ...elements.edges],
    wheelSensitivity: 0.3,
    style: [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "font-size": 11,
          "font-family": "Arial, sans-serif",
          color: "#0b0c0c",
          "text-valign": "bottom",
          "text-margin-y": 4,
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.85,
          "text-background-padding": 2,
          width: 18,
          height: 18,
          "background-color": (node) => colours[node.data("role") || node.data("kind")] || colours.phone,
          shape: (node) => (node.data("kind") === "person" ? "ellipse" : "round-rectangle"),
        },
      },
      { selector: "node[?centre]", style: { width: 28, height: 28, "border-width": 4, "border-color": "#ffdd00", "font-weight": "bold" } },
      {
        selector: "edge",
        style: {
          width: 1.5,
          "line-color": "#b1b4b6",
          "curve-style": "bezier",
          label: "",
          "font-size": 9,
          color: "#505a5f",
          "text-rotation": "autorotate",
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.85,
        },
      },
      { selector: "edge[kind = 'suspected_exploiter']", style: { "line-color": colours.suspect, width: 2.5 } },
      { selector: "edge.tessera-shown", style: { label: "data(label)" } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#0b0c0c" } },
    ],
    layout: {
      name: "concentric",
      concentric: (node) => rings - node.data("ring"),
      levelWidth: () => 1,
      minNodeSpacing: 28,
      animate: false,
    },
  });
  // A link's words show when the pointer is on it or on either end, so the chart stays readable.
  cy.on("mouseover", "edge", (event) => event.target.addClass("tessera-shown"));
  cy.on("mouseout", "edge", (event) => event.target.removeClass("tessera-shown"));
  cy.on("mouseover", "node", (event) => event.target.connectedEdges().addClass("tessera-shown"));
  cy.on("mouseout", "node", (event) => event.target.connectedEdges().removeClass("tessera-shown"));
  cy.on("tap", "node", (event) => {
    const url = event.target.data("url");
    if (url) window.location.assign(url);
  });
}

draw();
