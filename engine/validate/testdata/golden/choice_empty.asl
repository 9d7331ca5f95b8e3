{
 "StartAt": "C",
 "States": {
  "C": {
   "Type": "Choice",
   "Choices": []
  }
 }
}