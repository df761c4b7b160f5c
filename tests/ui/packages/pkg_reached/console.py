import msvcrt


def getch():
    return msvcrt.getch()
