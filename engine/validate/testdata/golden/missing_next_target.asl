{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Pass",
   "Next": "NOPE"
  }
 }
}