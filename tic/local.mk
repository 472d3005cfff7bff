# tic: nothing yet
