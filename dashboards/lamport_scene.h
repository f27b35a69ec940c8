// A drawing as a list of shapes in pixel coordinates (y downward), and its two renderings: an
// SVG document (written here, so that each shape keeps a class and a tooltip the tests and a
// browser can read) and a gnuplot script that draws the same shapes to PNG with the terminal the
// panels use (gnuplot_panels.h PngTerminal: pngcairo, else png). The Lamport diagram
// (lamport_diagram.h) lays itself out as a Scene; nothing here knows about messages.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "dashboards/gnuplot_script.h"

namespace raftlab::dashboards {

struct Shape {
  enum class Kind { kLine, kRect, kPolygon, kText };
  Kind kind = Kind::kLine;
  std::vector<std::pair<double, double>> points;   // line: 2; rect: 2 opposite corners; polygon: n; text: 1 (baseline)
  std::string color = "#000000";   // stroke of lines, fill of rects/polygons, text colour
  std::string stroke;              // rect outline ("" none)
  double width = 1;                // line / outline width in px
  double opacity = 1;
  std::string dash;                // "5,3" or "" for solid
  std::string text;                // kText
  std::string anchor = "start";    // kText: start, middle, end
  double font_px = 11;
  bool bold = false;
  std::string cls;                 // SVG class ("arrow app dropped"); tests count by it
  std::string title;               // SVG tooltip
  bool back = false;               // gnuplot: drawn behind the rest (bands, grid)
};

struct Scene {
  int width = 800;
  int height = 600;
  std::vector<Shape> shapes;   // drawn in order

  void Line(double x1, double y1, double x2, double y2, const std::string& color, double width,
            const std::string& cls, const std::string& dash = "");
  void Rect(double x1, double y1, double x2, double y2, const std::string& color, double opacity, const std::string& cls);
  void Text(double x, double y, const std::string& text, const std::string& color, double font_px,
            const std::string& anchor, const std::string& cls);
};

std::string SceneToSvg(const Scene& scene);

// Draws the scene to out.png_path (out.svg_path is not used: the SVG is SceneToSvg's).
GnuplotJob SceneToGnuplot(const Scene& scene, const GnuplotOutputs& out);

// "a < b & c" -> "a &lt; b &amp; c"
std::string XmlEscape(const std::string& text);

}  // namespace raftlab::dashboards
