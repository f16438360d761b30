"""Draw: draw a digit (or a piece of clothing, for a clothing model) and watch the network
read it, or collect drawings of classes you name into a data set of your own.

The drawing goes through MNIST's own preparation (cut to the ink, scale to 20 pixels,
centre by mass in 28x28), so a drawing small or in a corner is read as well as a big
centred one. The page shows that preparation, the ten probabilities and which pixels
swayed the network; my drawings, kept with their true labels, make a test set of one's
own handwriting. In *Collect* mode the same drawings become a data set
(``ui.draw.collect``). The page's parts live in ``ui/draw/``; the title is drawn inside
the board, since it names what the chosen network reads.
"""

from ui.active import active_dataset
from ui.draw.board import drawing_board
from ui.draw.collect import COLLECT, collect_board, mode

if mode() == COLLECT:
    collect_board()
else:
    drawing_board(active_dataset().requested)
