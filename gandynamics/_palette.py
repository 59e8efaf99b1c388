"""The colours figures share, without importing matplotlib (the studies' declarations name them at import)."""

#: Okabe and Ito's eight colours, chosen to stay distinct under the three common colour-vision deficiencies
#: (M. Okabe, K. Ito, "Color Universal Design (CUD): how to make figures and presentations that are friendly to
#: colorblind people", 2008): black, orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple
OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky blue": "#56B4E9", "bluish green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish purple": "#CC79A7"}
