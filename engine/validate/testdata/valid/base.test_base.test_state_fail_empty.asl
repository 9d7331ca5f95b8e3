{
 "Comment": "RAISE_EMPTY_FAILURE",
 "StartAt": "FailState",
 "States": {
  "FailState": {
   "Type": "Fail"
  }
 }
}