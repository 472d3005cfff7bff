# db: nothing yet
