#include "dashboards/lamport_scene.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace raftlab::dashboards {
namespace {

std::string Px(double v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string Attr(const char* name, const std::string& value) { return std::string(" ") + name + "=\"" + XmlEscape(value) + "\""; }

// gnuplot's colour with transparency: '#AARRGGBB', AA = 0 opaque.
std::string GnuplotColor(const std::string& rgb, double opacity) {
  if (opacity >= 1 || rgb.size() != 7) return "'" + rgb + "'";
  char aa[8];
  snprintf(aa, sizeof aa, "%02x", static_cast<int>(std::lround((1 - std::clamp(opacity, 0.0, 1.0)) * 255)));
  return "'#" + std::string(aa) + rgb.substr(1) + "'";
}

std::string GnuplotDash(const std::string& dash) {
  if (dash.empty()) return "dt 1";
  std::string d = dash;
  std::replace(d.begin(), d.end(), ' ', ',');
  return "dt (" + d + ")";
}

// A gnuplot double-quoted string (labels may hold ×).
std::string GnuplotString(const std::string& s) {
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') q += '\\';
    q += c == '\n' ? ' ' : c;
  }
  return q + "\"";
}

}  // namespace

void Scene::Line(double x1, double y1, double x2, double y2, const std::string& color, double width,
                 const std::string& cls, const std::string& dash) {
  Shape s;
  s.kind = Shape::Kind::kLine;
  s.points = {{x1, y1}, {x2, y2}};
  s.color = color;
  s.width = width;
  s.cls = cls;
  s.dash = dash;
  shapes.push_back(std::move(s));
}

void Scene::Rect(double x1, double y1, double x2, double y2, const std::string& color, double opacity,
                 const std::string& cls) {
  Shape s;
  s.kind = Shape::Kind::kRect;
  s.points = {{x1, y1}, {x2, y2}};
  s.color = color;
  s.opacity = opacity;
  s.cls = cls;
  shapes.push_back(std::move(s));
}

void Scene::Text(double x, double y, const std::string& text, const std::string& color, double font_px,
                 const std::string& anchor, const std::string& cls) {
  Shape s;
  s.kind = Shape::Kind::kText;
  s.points = {{x, y}};
  s.text = text;
  s.color = color;
  s.font_px = font_px;
  s.anchor = anchor;
  s.cls = cls;
  shapes.push_back(std::move(s));
}

std::string XmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string SceneToSvg(const Scene& scene) {
  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << scene.width << "\" height=\"" << scene.height
    << "\" viewBox=\"0 0 " << scene.width << " " << scene.height
    << "\" font-family=\"DejaVu Sans, Verdana, sans-serif\">\n";
  s << "<rect x=\"0\" y=\"0\" width=\"" << scene.width << "\" height=\"" << scene.height << "\" fill=\"#ffffff\"/>\n";
  for (const Shape& sh : scene.shapes) {
    std::string common = sh.cls.empty() ? "" : Attr("class", sh.cls);
    if (sh.opacity < 1) common += Attr("opacity", Px(sh.opacity).substr(0, 4));
    std::string body = sh.title.empty() ? "" : "<title>" + XmlEscape(sh.title) + "</title>";
    auto close = [&](const char* tag) { return body.empty() ? std::string("/>") : ">" + body + "</" + tag + ">"; };
    switch (sh.kind) {
      case Shape::Kind::kLine:
        s << "<line" << common << " x1=\"" << Px(sh.points[0].first) << "\" y1=\"" << Px(sh.points[0].second)
          << "\" x2=\"" << Px(sh.points[1].first) << "\" y2=\"" << Px(sh.points[1].second) << "\"" << Attr("stroke", sh.color)
          << " stroke-width=\"" << Px(sh.width) << "\"" << (sh.dash.empty() ? "" : Attr("stroke-dasharray", sh.dash))
          << close("line") << "\n";
        break;
      case Shape::Kind::kRect: {
        const double x = std::min(sh.points[0].first, sh.points[1].first);
        const double y = std::min(sh.points[0].second, sh.points[1].second);
        s << "<rect" << common << " x=\"" << Px(x) << "\" y=\"" << Px(y) << "\" width=\""
          << Px(std::fabs(sh.points[1].first - sh.points[0].first)) << "\" height=\""
          << Px(std::fabs(sh.points[1].second - sh.points[0].second)) << "\"" << Attr("fill", sh.color)
          << (sh.stroke.empty() ? "" : Attr("stroke", sh.stroke) + " stroke-width=\"" + Px(sh.width) + "\"")
          << close("rect") << "\n";
        break;
      }
      case Shape::Kind::kPolygon: {
        std::string pts;
        for (const auto& [x, y] : sh.points) pts += (pts.empty() ? "" : " ") + Px(x) + "," + Px(y);
        s << "<polygon" << common << Attr("points", pts) << Attr("fill", sh.color) << close("polygon") << "\n";
        break;
      }
      case Shape::Kind::kText:
        s << "<text" << common << " x=\"" << Px(sh.points[0].first) << "\" y=\"" << Px(sh.points[0].second)
          << "\" font-size=\"" << Px(sh.font_px) << "\"" << Attr("fill", sh.color)
          << (sh.anchor == "start" ? "" : Attr("text-anchor", sh.anchor)) << (sh.bold ? " font-weight=\"bold\"" : "")
          << ">" << body << XmlEscape(sh.text) << "</text>\n";
        break;
    }
  }
  s << "</svg>\n";
  return s.str();
}

GnuplotJob SceneToGnuplot(const Scene& scene, const GnuplotOutputs& out) {
  std::ostringstream s;
  s << "set encoding utf8\n";
  if (out.png_terminal == "pngcairo")
    s << "set terminal pngcairo size " << scene.width << "," << scene.height << " noenhanced font 'DejaVu Sans,8'\n";
  else
    s << "set terminal png size " << scene.width << "," << scene.height << " noenhanced\n";
  s << "set output " << GnuplotQuote(out.png_path) << "\n";
  // One pixel per unit, y downward, nothing of a chart around it.
  s << "unset border\nunset tics\nunset key\n";
  s << "set lmargin at screen 0\nset rmargin at screen 1\nset tmargin at screen 1\nset bmargin at screen 0\n";
  s << "set xrange [0:" << scene.width << "]\nset yrange [" << scene.height << ":0]\n";
  for (const Shape& sh : scene.shapes) {
    const std::string layer = sh.back ? " back" : " front";
    switch (sh.kind) {
      case Shape::Kind::kLine:
        s << "set arrow from first " << Px(sh.points[0].first) << "," << Px(sh.points[0].second) << " to first "
          << Px(sh.points[1].first) << "," << Px(sh.points[1].second) << " nohead" << layer << " lw " << Px(sh.width)
          << " lc rgb " << GnuplotColor(sh.color, sh.opacity) << " " << GnuplotDash(sh.dash) << "\n";
        break;
      case Shape::Kind::kRect:
        s << "set object rect from first " << Px(sh.points[0].first) << "," << Px(sh.points[0].second) << " to first "
          << Px(sh.points[1].first) << "," << Px(sh.points[1].second) << layer << " fc rgb '" << sh.color
          << "' fillstyle " << (sh.opacity < 1 ? "transparent solid " + Px(sh.opacity) : std::string("solid 1.0"))
          << (sh.stroke.empty() ? " noborder" : " border lc rgb '" + sh.stroke + "' lw " + Px(sh.width)) << "\n";
        break;
      case Shape::Kind::kPolygon: {
        s << "set object polygon";
        for (size_t i = 0; i <= sh.points.size(); ++i) {
          const auto& [x, y] = sh.points[i % sh.points.size()];
          s << (i == 0 ? " from first " : " to first ") << Px(x) << "," << Px(y);
        }
        s << layer << " fc rgb " << GnuplotColor(sh.color, sh.opacity) << " fillstyle solid 1.0 noborder\n";
        break;
      }
      case Shape::Kind::kText: {
        // gnuplot centres a label on its y; SVG puts the baseline there.
        const std::string align = sh.anchor == "middle" ? "center" : sh.anchor == "end" ? "right" : "left";
        s << "set label " << GnuplotString(sh.text) << " at first " << Px(sh.points[0].first) << ","
          << Px(sh.points[0].second - 0.35 * sh.font_px) << " " << align << " front tc rgb '" << sh.color << "' font '"
          << (sh.bold ? "DejaVu Sans Bold" : "DejaVu Sans") << "," << Px(sh.font_px * 0.75) << "'\n";
        break;
      }
    }
  }
  s << "plot NaN notitle\nunset output\n";
  return {s.str(), {}};
}

}  // namespace raftlab::dashboards
