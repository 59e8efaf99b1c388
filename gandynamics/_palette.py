"""The colours figures share, without importing matplotlib (the studies' declarations name them at import)."""

#: Okabe and Ito's eight colours, chosen to stay distinct under the three common colour-vision deficiencies
#: (M. Okabe, K. Ito, "Color Universal Design (CUD): how to make figures and presentations that are friendly to
#: colorblind people", 2008): black, orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple
OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky blue": "#56B4E9", "bluish green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish purple": "#CC79A7"}

#: the colours taken from Paul Tol's qualitative schemes (P. Tol, "Colour schemes", SRON technical note
#: SRON/EPS/TN/09-002, 2021), each named by its scheme (muted, high-contrast, dark) and its name there: the methods'
#: colours beyond Okabe and Ito's
TOL = {"muted indigo": "#332288", "muted purple": "#AA4499", "muted olive": "#999933",
       "high-contrast red": "#BB5566", "dark-scheme dark yellow": "#666633", "dark-scheme dark red": "#663333",
       "dark-scheme dark cyan": "#225555", "dark-scheme dark green": "#225522", "muted wine": "#882255"}

#: the colour taken from Cynthia Brewer's qualitative scheme Set1 (M. Harrower, C. A. Brewer, "ColorBrewer.org: an
#: online tool for selecting colour schemes for maps", The Cartographic Journal 40(1), 2003): a red as dark as the
#: methods' colours must be (at least 3:1 against white) and apart from Tol's and Okabe and Ito's reds
BREWER = {"Set1 red": "#E41A1C"}

#: matplotlib's tab:cyan (#17BECF, 2.26:1 against white: a faint thin line) darkened to 3.5:1, its hue kept: the one
#: colour of the figures' lines that is none of the palettes' (they have no cyan of 3:1 apart from Okabe and Ito's blue
#: and bluish green)
CYAN = "#1297A4"
