// Package widget holds the panes and pieces the dashboard's screens are
// drawn from: the theme, the frame that boxes and joins panes, and the
// formatting of times and counts. It knows nothing of the root Model: a
// widget takes plain values and returns lines, and the screens in ui put
// them together.
package widget
