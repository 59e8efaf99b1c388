"""The colours figures share, without importing matplotlib (the studies' declarations name them at import)."""

#: Okabe and Ito's eight colours, chosen to stay distinct under the three common colour-vision deficiencies
#: (M. Okabe, K. Ito, "Color Universal Design (CUD): how to make figures and presentations that are friendly to
#: colorblind people", 2008): black, orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple
OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky blue": "#56B4E9", "bluish green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish purple": "#CC79A7"}

#: the colours taken from Paul Tol's qualitative schemes (P. Tol, "Colour schemes", SRON technical note
#: SRON/EPS/TN/09-002, 2021), each named by its scheme (bright, muted, high-contrast, medium-contrast, dark) and its
#: name there: the methods' colours beyond Okabe and Ito's
TOL = {"bright yellow": "#CCBB44", "muted indigo": "#332288", "muted purple": "#AA4499", "muted green": "#117733",
       "high-contrast red": "#BB5566", "medium-contrast dark yellow": "#997700", "dark-scheme dark yellow": "#666633",
       "dark-scheme dark red": "#663333"}
